/** Quantity per site by state: a stacked bar chart over a table (`GET /stock/overview?by=site`). */
import { Card, Empty, Skeleton, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo } from 'react';
import { api } from '../api';
import { siteName, statesWithStock, stockChartOption } from '../charts';
import { EChart } from '../components/EChart';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../context';
import { formatQuantity } from '../format';
import { useLoad } from '../hooks';
import { stateLabel } from '../i18n';
import type { OverviewRow } from '../types';

const numeric = { align: 'right' as const };

export function StockOverviewPage() {
  const { lang, t } = useI18n();
  const { data, loading, problem, reload } = useLoad((signal) => api.stockOverview('site', signal), []);

  const option = useMemo(() => (data ? stockChartOption(data, lang) : null), [data, lang]);
  const columns = useMemo<ColumnsType<OverviewRow>>(() => {
    const states = data ? statesWithStock(data) : [];
    return [
      { title: t('stock.site'), dataIndex: 'key', fixed: 'left' },
      { title: t('stock.name'), key: 'name', render: (_: unknown, row: OverviewRow) => siteName(row, lang) },
      ...states.map((state) => ({
        ...numeric,
        title: stateLabel(lang, state),
        key: state,
        render: (_: unknown, row: OverviewRow) => formatQuantity(row.by_state[state]),
      })),
      {
        ...numeric,
        title: t('stock.total'),
        dataIndex: 'total',
        render: (total: string) => <strong>{formatQuantity(total)}</strong>,
      },
    ];
  }, [data, lang, t]);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('stock.title')}
      </Typography.Title>
      {problem && <ProblemAlert problem={problem} onRetry={reload} />}
      <Card title={t('stock.chart')}>
        {loading && !data ? (
          <Skeleton active />
        ) : data && data.rows.length ? (
          <EChart option={option ?? {}} testId="stock-chart" height={380} />
        ) : (
          <Empty description={t('common.empty')} />
        )}
      </Card>
      <Card title={t('stock.table')}>
        <Table<OverviewRow>
          data-testid="stock-table"
          rowKey="key"
          size="small"
          loading={loading}
          columns={columns}
          dataSource={data?.rows ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('common.empty') }}
        />
      </Card>
    </Space>
  );
}
