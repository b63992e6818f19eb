/**
 * 补货建议 / Replenishment: open suggestions with everything behind them (reasons, figures, the
 * best suppliers, the demand chart) one click away; select rows and approve them into draft
 * purchase orders or dismiss them; replan now; approved, dismissed and superseded history; sales
 * surge alerts with their candidate suppliers.
 *
 * Write buttons show for roles that may plan (`mayPlan`); whatever the server still refuses is
 * shown in place as its problem.
 */
import { CheckOutlined, CloseOutlined, ExperimentOutlined, ReloadOutlined, SyncOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Badge, Button, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError, api } from '../api';
import { ApproveDialog } from '../components/ApproveDialog';
import { NoPermission } from '../components/NoPermission';
import { ProblemAlert } from '../components/ProblemAlert';
import { ReasonTags, SuggestionDetail } from '../components/SuggestionDetail';
import { SurgeAlerts } from '../components/SurgeAlerts';
import { useAuth, useI18n } from '../context';
import { documentPath } from '../documents';
import type { Site } from '../documentTypes';
import { BLANK, formatDate, formatQuantity, formatTime } from '../format';
import { useLoad } from '../hooks';
import { codeLabel } from '../i18n';
import type { Problem } from '../problem';
import {
  abcColor,
  kindColor,
  mayPlan,
  orderLinks,
  SUGGESTION_STATUSES,
  type OrderLink,
  type RunReport,
  type Suggestion,
  type SuggestionStatus,
} from '../replenishment';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

const TABS = [...SUGGESTION_STATUSES, 'alerts'] as const;
type TabKey = (typeof TABS)[number];

function toTab(value: string | null): TabKey {
  return (TABS as readonly string[]).includes(value ?? '') ? (value as TabKey) : 'open';
}

function asProblem(error: unknown): Problem {
  return error instanceof ApiError
    ? error.problem
    : { type: 'about:blank', title: String(error), status: 0, code: 'client.error' };
}

/** A draft order's link: its page when the organisation is known, else the purchase order list. */
function OrderNumber({ link }: { link: OrderLink }) {
  const to = link.organisation ? documentPath(link.organisation, link.number) : '/documents?type=purchase_order';
  return (
    <Link to={to} data-testid="purchase-order-link">
      {link.number}
    </Link>
  );
}

interface TableProps {
  status: SuggestionStatus;
  canPlan: boolean;
  focus: string | null;
  round: number;
  siteOrganisations: Record<string, string | null>;
  onApprove: (rows: Suggestion[]) => void;
  onDismissed: (count: number) => void;
  onProblem: (problem: Problem | null) => void;
}

function SuggestionTable({ status, canPlan, focus, round, siteOrganisations, onApprove, onDismissed, onProblem }: TableProps) {
  const { lang, t } = useI18n();
  const { data, loading, problem, reload } = useLoad((signal) => api.listSuggestions(status, signal), [status, round]);
  const [selected, setSelected] = useState<string[]>([]);
  const [expanded, setExpanded] = useState<string[]>(() => (focus ? [focus] : []));
  const [dismissing, setDismissing] = useState(false);
  const rows = useMemo(() => data?.suggestions ?? [], [data]);
  const writable = status === 'open' && canPlan;

  // Keep the selection to rows still listed (after a reload, approved rows are gone).
  useEffect(() => {
    setSelected((previous) => previous.filter((id) => rows.some((row) => row.id === id)));
  }, [rows]);

  // An alert's link names a suggestion: open its row and bring it into view.
  useEffect(() => {
    if (!focus) return;
    setExpanded((previous) => (previous.includes(focus) ? previous : [...previous, focus]));
  }, [focus]);
  useEffect(() => {
    if (!focus || !rows.some((row) => row.id === focus)) return;
    const target = document.querySelector(`tr[data-row-key="${CSS.escape(focus)}"]`);
    target?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [focus, rows]);

  const dismiss = async () => {
    setDismissing(true);
    onProblem(null);
    try {
      await api.dismissSuggestions(selected);
      onDismissed(selected.length);
      setSelected([]);
    } catch (error) {
      onProblem(asProblem(error));
    } finally {
      setDismissing(false);
    }
  };

  const columns = useMemo<ColumnsType<Suggestion>>(() => {
    const list: ColumnsType<Suggestion> = [
      {
        title: t('rep.col.sku'),
        dataIndex: 'sku',
        render: (sku: string) => (
          <span data-testid="suggestion-sku" style={NOWRAP}>
            {sku}
          </span>
        ),
      },
      { title: t('rep.col.site'), dataIndex: 'site', render: (site: string) => <span style={NOWRAP}>{site}</span> },
      {
        title: t('rep.col.class'),
        dataIndex: 'abc_class',
        align: 'center',
        render: (abc: string) =>
          abc ? (
            <Tag color={abcColor(abc)} data-testid="suggestion-class">
              {abc}
            </Tag>
          ) : (
            BLANK
          ),
      },
      {
        title: t('rep.col.kind'),
        dataIndex: 'kind',
        render: (kind: string) => (
          <Tag color={kindColor(kind)} data-testid="suggestion-kind">
            {codeLabel(lang, 'repKind', kind)}
          </Tag>
        ),
      },
      { title: t('rep.col.supplier'), dataIndex: 'supplier', render: (v: string | null) => <span style={NOWRAP}>{v ?? BLANK}</span> },
      {
        title: t('rep.col.quantity'),
        dataIndex: 'quantity',
        align: 'right',
        render: (q: string) => <strong data-testid="suggestion-quantity">{formatQuantity(q)}</strong>,
      },
      {
        title: t('rep.col.expectedDate'),
        key: 'expected',
        render: (_: unknown, row) => (
          <span style={NOWRAP}>{formatDate(typeof row.figures.expected_date === 'string' ? row.figures.expected_date : null)}</span>
        ),
      },
      { title: t('rep.col.reasons'), dataIndex: 'reasons', render: (reasons: string[]) => <ReasonTags reasons={reasons} /> },
    ];
    if (status === 'approved') {
      list.push({
        title: t('rep.col.purchaseOrder'),
        dataIndex: 'purchase_order',
        render: (number: string | null, row) =>
          number ? <OrderNumber link={{ number, organisation: siteOrganisations[row.site] ?? null }} /> : BLANK,
      });
    }
    list.push({ title: t('rep.col.createdAt'), dataIndex: 'created_at', render: (at: string) => formatTime(at, lang) });
    return list;
  }, [lang, siteOrganisations, status, t]);

  if (problem?.status === 403) return <NoPermission title={t('rep.noPermission')} />;
  const focusMissing = status === 'open' && focus && data && !rows.some((row) => row.id === focus);
  const chosen = rows.filter((row) => selected.includes(row.id));
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {problem && <ProblemAlert problem={problem} onRetry={reload} />}
      {focusMissing && <Alert type="info" showIcon message={t('rep.focusMissing')} data-testid="focus-missing" />}
      {writable && (
        <Space wrap data-testid="suggestion-toolbar">
          <Button
            type="primary"
            icon={<CheckOutlined />}
            disabled={!chosen.length}
            onClick={() => onApprove(chosen)}
            data-testid="approve-selected"
          >
            {t('rep.approve')}
          </Button>
          <Popconfirm
            title={t('rep.dismissConfirm', { count: chosen.length })}
            okText={t('rep.dismiss')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true, ...({ 'data-testid': 'dismiss-confirm' } as Record<string, string>) }}
            onConfirm={() => void dismiss()}
            disabled={!chosen.length}
          >
            <Button danger icon={<CloseOutlined />} disabled={!chosen.length} loading={dismissing} data-testid="dismiss-selected">
              {t('rep.dismiss')}
            </Button>
          </Popconfirm>
          {chosen.length > 0 && (
            <Typography.Text type="secondary" data-testid="selected-count">
              {t('rep.selected', { count: chosen.length })}
            </Typography.Text>
          )}
        </Space>
      )}
      <Table<Suggestion>
        data-testid={`suggestions-${status}`}
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={rows}
        pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        locale={{ emptyText: status === 'open' ? t('rep.empty') : t('rep.emptyHistory') }}
        rowSelection={
          writable
            ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)), columnWidth: 40 }
            : undefined
        }
        expandable={{
          expandedRowKeys: expanded,
          onExpandedRowsChange: (keys) => setExpanded(keys.map(String)),
          expandedRowRender: (row) => <SuggestionDetail suggestion={row} />,
        }}
      />
    </Space>
  );
}

export function ReplenishmentPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  const { message } = AntApp.useApp();
  const [params, setParams] = useSearchParams();
  const tab = toTab(params.get('tab'));
  const focus = params.get('focus');
  const canPlan = mayPlan(user?.roles);
  const [round, setRound] = useState(0);
  const refresh = () => setRound((n) => n + 1);
  const [approving, setApproving] = useState<Suggestion[] | null>(null);
  const [created, setCreated] = useState<OrderLink[] | null>(null);
  const [run, setRun] = useState<RunReport | null>(null);
  const [replanning, setReplanning] = useState(false);
  const [actionProblem, setActionProblem] = useState<Problem | null>(null);

  const alerts = useLoad((signal) => api.listSurgeAlerts(signal), [round]);
  // Which organisation each site belongs to: the key of a purchase order's page.
  const sites = useLoad(
    (signal) => api.request<{ sites: Site[] }>('GET', '/sites', { signal, quiet: true }).catch(() => ({ sites: [] as Site[] })),
    [],
  );
  const siteOrganisations = useMemo(
    () => Object.fromEntries((sites.data?.sites ?? []).map((site) => [site.code, site.organisation])),
    [sites.data],
  );

  const setTab = (key: string) => {
    const next = new URLSearchParams(params);
    next.set('tab', key);
    next.delete('focus');
    setParams(next);
  };

  /** Forget an alert's focus: after a replan or an approval the suggestion it named is gone. */
  const clearFocus = () => {
    if (!focus) return;
    const next = new URLSearchParams(params);
    next.delete('focus');
    setParams(next, { replace: true });
  };

  const replan = async () => {
    setReplanning(true);
    setActionProblem(null);
    try {
      setRun(await api.replan());
      clearFocus();
      refresh();
    } catch (error) {
      setActionProblem(asProblem(error));
    } finally {
      setReplanning(false);
    }
  };

  /** The new orders with their organisations: from the approved suggestions, else a documents listing. */
  const approved = async (numbers: string[], ids: string[]) => {
    setApproving(null);
    let links = numbers.map((number): OrderLink => ({ number, organisation: null }));
    try {
      const page = await api.listSuggestions('approved', undefined, 1000);
      const rows = page.suggestions.filter((row) => ids.includes(row.id));
      links = orderLinks(numbers, rows, siteOrganisations);
      if (links.some((link) => !link.organisation)) {
        const docs = await api.request<{ documents: { number: string; type: string; organisation: string; site: string | null }[] }>(
          'GET',
          '/documents',
          { query: { type: 'purchase_order', status: 'draft', limit: 200 }, quiet: true },
        );
        links = orderLinks(numbers, rows, siteOrganisations, docs.documents);
      }
    } catch {
      // The orders exist either way; without their organisation they link to the order list.
    }
    setCreated(links);
    clearFocus();
    void message.success(t('rep.created'));
    refresh();
  };

  const tableProps = {
    canPlan,
    focus,
    round,
    siteOrganisations,
    onApprove: (rows: Suggestion[]) => {
      setActionProblem(null);
      setApproving(rows);
    },
    onDismissed: (count: number) => {
      void message.success(t('rep.dismissed', { count }));
      refresh();
    },
    onProblem: setActionProblem,
  };
  const alertCount = alerts.data?.alerts.length ?? 0;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('rep.title')}
        </Typography.Title>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={refresh} aria-label={t('common.retry')} data-testid="replenishment-reload" />
          <Link to="/replenishment/backtest">
            <Button icon={<ExperimentOutlined />} data-testid="open-backtest">
              {t('bt.open')}
            </Button>
          </Link>
          {canPlan && (
            <Button type="primary" icon={<SyncOutlined />} loading={replanning} onClick={() => void replan()} data-testid="replan">
              {t('rep.replan')}
            </Button>
          )}
        </Space>
      </Space>
      {!canPlan && <Alert type="info" showIcon message={t('rep.readOnly')} data-testid="read-only" />}
      {actionProblem && <ProblemAlert problem={actionProblem} />}
      {run && (
        <Alert
          type="success"
          showIcon
          closable
          onClose={() => setRun(null)}
          data-testid="replan-result"
          message={t('rep.replanned', { series: run.series, suggestions: run.suggestions, alerts: run.alerts })}
        />
      )}
      {created && (
        <Alert
          type="success"
          showIcon
          closable
          onClose={() => setCreated(null)}
          data-testid="approved-orders"
          message={
            <Space wrap>
              <span>{t('rep.created')}:</span>
              {created.map((link) => (
                <OrderNumber key={link.number} link={link} />
              ))}
            </Space>
          }
          description={t('rep.createdHint')}
        />
      )}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        data-testid="replenishment-tabs"
        items={[
          ...SUGGESTION_STATUSES.map((status) => ({
            key: status,
            label: <span data-testid={`tab-${status}`}>{t(`rep.tab.${status}` as const)}</span>,
            children: <SuggestionTable key={status} status={status} {...tableProps} focus={status === 'open' ? focus : null} />,
          })),
          {
            key: 'alerts',
            label: (
              <span data-testid="tab-alerts">
                {t('rep.tab.alerts')}{' '}
                <Badge count={alertCount} size="small" data-testid="alerts-badge" />
              </span>
            ),
            children: alerts.problem ? (
              alerts.problem.status === 403 ? (
                <NoPermission title={t('rep.noPermission')} />
              ) : (
                <ProblemAlert problem={alerts.problem} onRetry={alerts.reload} />
              )
            ) : (
              <SurgeAlerts alerts={alerts.data?.alerts ?? []} />
            ),
          },
        ]}
      />
      {approving && <ApproveDialog rows={approving} onClose={() => setApproving(null)} onDone={(n, ids) => void approved(n, ids)} />}
    </Space>
  );
}
