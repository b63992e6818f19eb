/**
 * An organisation's vouchers (记账凭证), oldest first, each expandable to its lines, with the
 * Excel download of the GL import file. Roles without `voucher.read` see a "no permission" page.
 */
import { DownloadOutlined } from '@ant-design/icons';
import { Button, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { DocTypeTag } from '../components/DocumentTags';
import { NoPermission } from '../components/NoPermission';
import { ProblemAlert } from '../components/ProblemAlert';
import { VoucherLinesTable } from '../components/VoucherLinesTable';
import { useI18n } from '../context';
import { actorName, documentPath } from '../documents';
import type { Voucher } from '../documentTypes';
import { BLANK, formatDate, formatMoney } from '../format';
import { useLoad } from '../hooks';
import { codeLabel } from '../i18n';
import { defaultOrganisation, filenameFromDisposition, organisationName } from '../vouchers';

const PAGE_SIZE = 200;

function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function VoucherTable({ organisation, onForbidden }: { organisation: string; onForbidden: () => void }) {
  const { lang, t } = useI18n();
  const [after, setAfter] = useState<string | null>(null);
  const [rows, setRows] = useState<Voucher[]>([]);
  const { data, loading, problem, reload } = useLoad(
    (signal) => api.listVouchers({ organisation, after, limit: PAGE_SIZE }, signal),
    [organisation, after],
  );

  useEffect(() => {
    if (data) setRows((previous) => (after ? [...previous, ...data.vouchers] : data.vouchers));
    // Once per loaded page; `after` says whether it is the first page or a further one.
  }, [data]);
  useEffect(() => {
    if (problem?.status === 403) onForbidden();
  }, [problem, onForbidden]);

  const columns = useMemo<ColumnsType<Voucher>>(
    () => [
      {
        title: t('voucher.number'),
        dataIndex: 'number',
        render: (number: string) => <span data-testid="voucher-number">{number}</span>,
      },
      { title: t('voucher.date'), dataIndex: 'date', render: formatDate },
      { title: t('voucher.kind'), dataIndex: 'kind', render: (kind: string) => <Tag>{codeLabel(lang, 'voucherKind', kind)}</Tag> },
      {
        title: t('voucher.total'),
        dataIndex: 'total',
        align: 'right',
        render: (total: string) => <span data-testid="voucher-total">{formatMoney(total)}</span>,
      },
      {
        title: t('voucher.document'),
        key: 'document',
        render: (_: unknown, v) =>
          v.document ? (
            <Space size={4}>
              <DocTypeTag type={v.document.type} />
              <Link
                to={documentPath(v.organisation, v.document.number)}
                data-testid="voucher-document"
                onClick={(event) => event.stopPropagation()}
              >
                {v.document.number}
              </Link>
            </Space>
          ) : (
            (v.document_ref ?? BLANK)
          ),
      },
      { title: t('voucher.preparer'), dataIndex: 'preparer', render: actorName },
    ],
    [lang, t],
  );

  if (problem?.status === 403) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {problem && <ProblemAlert problem={problem} onRetry={reload} />}
      <Table<Voucher>
        data-testid="vouchers-table"
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('common.empty') }}
        expandable={{
          expandRowByClick: true,
          expandedRowRender: (voucher) => <VoucherLinesTable voucher={voucher} />,
        }}
      />
      {data?.next && (
        <Button data-testid="vouchers-more" loading={loading} onClick={() => setAfter(data.next)}>
          {t('common.more')}
        </Button>
      )}
    </Space>
  );
}

export function VouchersPage() {
  const { lang, t } = useI18n();
  const [params, setParams] = useSearchParams();
  const [forbidden, setForbidden] = useState(false);
  const onForbidden = useCallback(() => setForbidden(true), []);
  const [downloading, setDownloading] = useState(false);
  // The organisations to choose from, and the newest document's as the first choice.
  const { data: choices, problem } = useLoad(
    (signal) =>
      Promise.all([
        api.listOrganisations(signal),
        api.listDocuments({ limit: 1 }, signal).catch(() => null),
      ]).then(([orgs, newest]) => ({ orgs: orgs.organisations, newest: newest?.documents[0]?.organisation ?? null })),
    [],
  );
  const organisation = choices ? defaultOrganisation(choices.orgs, params.get('org'), choices.newest) : null;

  const download = async () => {
    if (!organisation) return;
    setDownloading(true);
    try {
      const { blob, disposition } = await api.exportVouchers({ organisation, format: 'xlsx' });
      saveBlob(blob, filenameFromDisposition(disposition, `jxc-vouchers-${organisation}.xlsx`));
    } catch {
      // The API client already showed the problem.
    } finally {
      setDownloading(false);
    }
  };

  if (forbidden) return <NoPermission title={t('vouchers.noPermission')} hint={t('vouchers.noPermissionHint')} />;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('vouchers.title')}
        </Typography.Title>
        <Space wrap>
          <Select<string>
            data-testid="vouchers-organisation"
            style={{ width: 260 }}
            placeholder={t('vouchers.organisation')}
            value={organisation ?? undefined}
            loading={!choices && !problem}
            onChange={(org) => setParams({ org })}
            options={(choices?.orgs ?? []).map((org) => ({ value: org.code, label: `${org.code} · ${organisationName(org, lang)}` }))}
          />
          <Button
            icon={<DownloadOutlined />}
            disabled={!organisation}
            loading={downloading}
            onClick={() => void download()}
            data-testid="vouchers-download"
          >
            {t('vouchers.download')}
          </Button>
        </Space>
      </Space>
      {problem && <ProblemAlert problem={problem} />}
      {organisation && <VoucherTable key={organisation} organisation={organisation} onForbidden={onForbidden} />}
    </Space>
  );
}
