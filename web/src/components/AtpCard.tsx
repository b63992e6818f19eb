/** ATP of one item rolled up by site, organisation, region or the whole network. */
import { Card, Segmented, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { api } from '../api';
import { useI18n } from '../context';
import { formatQuantity, formatTime } from '../format';
import { useLoad } from '../hooks';
import { stateLabel } from '../i18n';
import type { AtpGroup, AtpRollUp } from '../types';
import { ProblemAlert } from './ProblemAlert';

const ROLL_UPS: readonly AtpRollUp[] = ['site', 'org', 'region', 'network'];
const numeric = { align: 'right' as const };

export function AtpCard({ sku }: { sku: string }) {
  const { lang, t } = useI18n();
  const [by, setBy] = useState<AtpRollUp>('site');
  const { data, loading, problem, reload } = useLoad((signal) => api.getAtp(sku, by, signal), [sku, by]);

  const columns = useMemo<ColumnsType<AtpGroup>>(
    () => [
      { title: t('atp.key'), dataIndex: 'key' },
      {
        title: t('atp.byState'),
        key: 'by_state',
        render: (_: unknown, group: AtpGroup) =>
          Object.entries(group.by_state).map(([state, quantity]) => (
            <Tag key={state}>
              {stateLabel(lang, state)} {formatQuantity(quantity)}
            </Tag>
          )),
      },
      { ...numeric, title: t('atp.available'), dataIndex: 'available', render: formatQuantity },
      { ...numeric, title: t('atp.unreservedCommitments'), dataIndex: 'unreserved_commitments', render: formatQuantity },
      { ...numeric, title: t('atp.scheduledReceipts'), dataIndex: 'scheduled_receipts', render: formatQuantity },
      {
        ...numeric,
        title: t('atp.atp'),
        dataIndex: 'atp',
        render: (atp: string) => <strong data-testid="atp-value">{formatQuantity(atp)}</strong>,
      },
      ...(by === 'site'
        ? []
        : [{ title: t('atp.sites'), dataIndex: 'sites', render: (sites: string[]) => sites.join(', ') }]),
    ],
    [by, lang, t],
  );

  return (
    <Card
      title={t('atp.title')}
      extra={
        <Segmented<AtpRollUp>
          data-testid="atp-by"
          value={by}
          onChange={setBy}
          options={ROLL_UPS.map((value) => ({ value, label: t(`atp.by.${value}`) }))}
        />
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        {problem && <ProblemAlert problem={problem} onRetry={reload} />}
        {data && (
          <Typography.Text type="secondary">
            {t('atp.asOf', { asOf: formatTime(data.as_of, lang), end: formatTime(data.horizon_end, lang) })}
          </Typography.Text>
        )}
        <Table<AtpGroup>
          data-testid="atp-table"
          rowKey="key"
          size="small"
          loading={loading}
          columns={columns}
          dataSource={data?.groups ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('common.empty') }}
        />
      </Space>
    </Card>
  );
}
