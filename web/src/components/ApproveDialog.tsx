/**
 * Approve selected suggestions into draft purchase orders: each row's quantity can be changed
 * first (exact decimal text, sent only when it differs from the suggestion's).
 */
import { Alert, Input, Modal, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { ApiError, api, newIdempotencyKey } from '../api';
import { useI18n } from '../context';
import { formatQuantity, plainDecimal } from '../format';
import type { Problem } from '../problem';
import { approveBody, kindColor, quantityProblem, type Suggestion } from '../replenishment';
import { codeLabel } from '../i18n';
import { ProblemAlert } from './ProblemAlert';

interface Props {
  rows: readonly Suggestion[];
  onClose: () => void;
  /** The new draft orders' numbers and the suggestions approved into them. */
  onDone: (numbers: string[], ids: string[]) => void;
}

export function ApproveDialog({ rows, onClose, onDone }: Props) {
  const { lang, t } = useI18n();
  const [edits, setEdits] = useState<Record<string, string>>(() =>
    Object.fromEntries(rows.map((row) => [row.id, plainDecimal(row.quantity) ?? row.quantity])),
  );
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // One key per body: a retry of the same approval is safe, a changed quantity is a new request.
  const [key, setKey] = useState(newIdempotencyKey);

  const edit = (id: string, value: string) => {
    setEdits((previous) => ({ ...previous, [id]: value }));
    setKey(newIdempotencyKey());
  };

  const approve = async () => {
    setTouched(true);
    const plan = approveBody(rows, edits);
    if (!plan.ok) return;
    setBusy(true);
    setProblem(null);
    try {
      const answer = await api.approveSuggestions(plan.body, key);
      onDone(answer.purchase_orders, plan.body.ids);
    } catch (error) {
      setProblem(
        error instanceof ApiError ? error.problem : { type: 'about:blank', title: String(error), status: 0, code: 'client.error' },
      );
      setBusy(false);
    }
  };

  const columns = useMemo<ColumnsType<Suggestion>>(
    () => [
      { title: t('rep.col.sku'), dataIndex: 'sku' },
      { title: t('rep.col.site'), dataIndex: 'site' },
      {
        title: t('rep.col.kind'),
        dataIndex: 'kind',
        render: (kind: string) => <Tag color={kindColor(kind)}>{codeLabel(lang, 'repKind', kind)}</Tag>,
      },
      { title: t('rep.col.supplier'), dataIndex: 'supplier' },
      { title: t('rep.suggested'), dataIndex: 'quantity', align: 'right', render: (q: string) => formatQuantity(q) },
      {
        title: t('rep.orderQuantity'),
        key: 'edit',
        width: 170,
        render: (_: unknown, row) => {
          const value = edits[row.id] ?? '';
          const issue = touched || value !== (plainDecimal(row.quantity) ?? row.quantity) ? quantityProblem(value) : null;
          return (
            <>
              <Input
                value={value}
                inputMode="decimal"
                status={issue ? 'error' : undefined}
                onChange={(event) => edit(row.id, event.target.value)}
                data-testid="approve-quantity"
                style={{ textAlign: 'right' }}
              />
              {issue && (
                <Typography.Text type="danger" data-testid="approve-quantity-error">
                  {t(`rep.qty.${issue}`)}
                </Typography.Text>
              )}
            </>
          );
        },
      },
    ],
    [edits, lang, t, touched],
  );

  return (
    <Modal
      open
      width={820}
      title={t('rep.approveTitle', { count: rows.length })}
      okText={t('rep.approveConfirm')}
      cancelText={t('common.cancel')}
      onOk={() => void approve()}
      onCancel={onClose}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'approve-confirm' } as Record<string, string>}
      destroyOnHidden
    >
      <Alert type="info" showIcon message={t('rep.approveHint')} style={{ marginBottom: 12 }} />
      {problem && (
        <div style={{ marginBottom: 12 }}>
          <ProblemAlert problem={problem} />
        </div>
      )}
      <Table<Suggestion>
        data-testid="approve-table"
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={[...rows]}
        pagination={false}
      />
    </Modal>
  );
}
