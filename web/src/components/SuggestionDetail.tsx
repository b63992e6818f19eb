/**
 * Why a suggestion is what it is: its reasons, every figure it was computed from as a readable
 * breakdown, the best suppliers it compared, and the item's daily demand with the forecast.
 */
import { Card, Col, Descriptions, Row, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo } from 'react';
import { useI18n } from '../context';
import { formatQuantity } from '../format';
import { figureRows, percent, reasonColor, reasonLabel, roundDecimal, type Suggestion, type SupplierOption } from '../replenishment';
import { DemandChart } from './DemandChart';
import { Amount } from './MaskedValue';

export function ReasonTags({ reasons }: { reasons: readonly string[] }) {
  const { lang } = useI18n();
  return (
    <Space size={[4, 4]} wrap data-testid="suggestion-reasons">
      {reasons.map((code) => (
        <Tag key={code} color={reasonColor(code)} data-testid="suggestion-reason" data-code={code}>
          {reasonLabel(lang, code)}
        </Tag>
      ))}
    </Space>
  );
}

/** Suppliers side by side: price (masked for roles that may not see costs), lead time, on-time rate, score. */
export function SupplierTable({
  options,
  chosen,
  showScore = true,
  testId = 'supplier-table',
}: {
  options: readonly SupplierOption[];
  chosen?: string | null;
  showScore?: boolean;
  testId?: string;
}) {
  const { t } = useI18n();
  const columns = useMemo<ColumnsType<SupplierOption>>(() => {
    const list: ColumnsType<SupplierOption> = [
      {
        title: t('rep.sup.supplier'),
        dataIndex: 'supplier',
        render: (supplier: string) => (
          <Space size={4}>
            <span data-testid="supplier-code">{supplier}</span>
            {chosen && supplier === chosen && <Tag color="success">{t('rep.sup.chosen')}</Tag>}
          </Space>
        ),
      },
      { title: t('rep.sup.unitPrice'), dataIndex: 'unit_price', align: 'right', render: (v: unknown) => <Amount value={v} /> },
      { title: t('rep.sup.leadTime'), dataIndex: 'lead_time_days', align: 'right', render: (v: string | null) => roundDecimal(v, 1) },
      {
        title: t('rep.sup.onTime'),
        dataIndex: 'on_time_rate',
        align: 'right',
        render: (v: string | null) =>
          v === null || v === undefined ? <Typography.Text type="secondary">{t('rep.sup.noRecord')}</Typography.Text> : `${roundDecimal(percent(v), 1)}%`,
      },
    ];
    if (showScore) list.push({ title: t('rep.sup.score'), dataIndex: 'score', align: 'right', render: (v: string | null) => roundDecimal(v, 3) });
    return list;
  }, [chosen, showScore, t]);
  // The hint is also the table's sibling: AntD pulls an only-child table inside an expanded row to the row's edges.
  return (
    <div>
      <Table<SupplierOption>
        data-testid={testId}
        rowKey="supplier"
        size="small"
        columns={columns}
        dataSource={[...options]}
        pagination={false}
      />
      {showScore && (
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8, fontSize: 12 }}>
          {t('rep.sup.scoreHint')}
        </Typography.Text>
      )}
    </div>
  );
}

export function SuggestionDetail({ suggestion }: { suggestion: Suggestion }) {
  const { lang, t } = useI18n();
  const rows = useMemo(() => figureRows(suggestion.figures, lang), [suggestion.figures, lang]);
  const flat = useMemo(
    () => ({ mean: suggestion.figures.forecast_per_day, std: suggestion.figures.forecast_std_per_day }),
    [suggestion.figures.forecast_per_day, suggestion.figures.forecast_std_per_day],
  );
  return (
    <div data-testid="suggestion-detail" data-id={suggestion.id}>
      <Row gutter={[16, 16]}>
        <Col xs={24} xxl={13}>
          <Card size="small" title={t('rep.why')}>
            <Space direction="vertical" size="middle" style={{ width: '100%' }}>
              <Space align="start">
                <Typography.Text type="secondary">{t('rep.reasons')}:</Typography.Text>
                <ReasonTags reasons={suggestion.reasons} />
              </Space>
              <Descriptions
                bordered
                size="small"
                column={1}
                title={<Typography.Text strong>{t('rep.figures')}</Typography.Text>}
                data-testid="suggestion-figures"
                styles={{ label: { width: '38%' } }}
                items={[
                  ...rows.map((row) => ({
                    key: row.key,
                    label: row.label,
                    children: (
                      <span data-testid={`figure-${row.key}`}>
                        <Tooltip title={row.exact}>
                          {row.emphasis ? <strong>{row.value}</strong> : <span>{row.value}</span>}
                        </Tooltip>
                        {row.detail && (
                          <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                            {row.detail}
                          </Typography.Text>
                        )}
                      </span>
                    ),
                  })),
                  {
                    key: 'quantity',
                    label: t('rep.fig.quantity'),
                    children: (
                      <span data-testid="figure-quantity">
                        <strong>{formatQuantity(suggestion.quantity)}</strong>
                        <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                          {t('rep.fig.quantityDetail')}
                        </Typography.Text>
                      </span>
                    ),
                  },
                ]}
              />
            </Space>
          </Card>
        </Col>
        <Col xs={24} xxl={11}>
          <Space direction="vertical" size="middle" style={{ width: '100%' }}>
            <Card size="small" title={t('rep.suppliers')}>
              <SupplierTable options={suggestion.alternatives} chosen={suggestion.supplier} />
            </Card>
            <Card size="small" title={t('rep.chart.title', { site: suggestion.site })}>
              <DemandChart sku={suggestion.sku} site={suggestion.site} flat={flat} />
            </Card>
          </Space>
        </Col>
      </Row>
    </div>
  );
}
