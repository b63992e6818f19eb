/** An item's movements, newest first, with "load more" over the server's `before` cursor. */
import { Button, Card, Space, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import { useI18n } from '../context';
import { formatQuantity, formatTime } from '../format';
import { useLoad } from '../hooks';
import { bucketLabel } from '../items';
import type { Movement } from '../types';
import { ProblemAlert } from './ProblemAlert';

const PAGE_SIZE = 50;

/** Mount with `key={sku}` so a new item starts from the newest movement. */
export function MovementsCard({ sku }: { sku: string }) {
  const { lang, t } = useI18n();
  const [before, setBefore] = useState<string | null>(null);
  const [rows, setRows] = useState<Movement[]>([]);
  const { data, loading, problem, reload } = useLoad(
    (signal) => api.getMovements(sku, { before, limit: PAGE_SIZE }, signal),
    [sku, before],
  );

  useEffect(() => {
    if (data) setRows((previous) => (before ? [...previous, ...data.movements] : data.movements));
    // Runs per loaded page only; `before` tells whether it is the first page or a further one.
  }, [data]);

  const columns = useMemo<ColumnsType<Movement>>(
    () => [
      { title: t('movements.time'), dataIndex: 'occurred_at', render: (v: string) => formatTime(v, lang) },
      { title: t('movements.kind'), dataIndex: 'kind', render: (kind: string) => <Tag>{kind}</Tag> },
      { title: t('movements.quantity'), dataIndex: 'quantity', align: 'right', render: formatQuantity },
      { title: t('movements.from'), dataIndex: 'from', render: (_: unknown, m: Movement) => bucketLabel(m.from, lang) },
      { title: t('movements.to'), dataIndex: 'to', render: (_: unknown, m: Movement) => bucketLabel(m.to, lang) },
      { title: t('movements.document'), dataIndex: 'document_ref', render: (v: string | null) => v ?? '—' },
    ],
    [lang, t],
  );

  return (
    <Card title={t('movements.title')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        {problem && <ProblemAlert problem={problem} onRetry={reload} />}
        <Table<Movement>
          data-testid="movements-table"
          rowKey="id"
          size="small"
          loading={loading}
          columns={columns}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('common.empty') }}
        />
        {data?.next && (
          <Button data-testid="movements-more" loading={loading} onClick={() => setBefore(data.next)}>
            {t('movements.more')}
          </Button>
        )}
      </Space>
    </Card>
  );
}
