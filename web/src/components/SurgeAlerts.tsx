/** Sales surges (销量突增): sold today against the expected day, the 3 candidate suppliers, the emergency suggestion. */
import { ThunderboltOutlined } from '@ant-design/icons';
import { Card, Col, Empty, Row, Space, Statistic, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useI18n } from '../context';
import { formatTime } from '../format';
import { roundDecimal, surgeRatio, type SurgeAlert } from '../replenishment';
import { SupplierTable } from './SuggestionDetail';

/** Where an alert's emergency suggestion is shown: the open list with its row expanded. */
export function suggestionLink(id: string): string {
  return `/replenishment?tab=open&focus=${encodeURIComponent(id)}`;
}

export function SurgeAlerts({ alerts }: { alerts: readonly SurgeAlert[] }) {
  const { lang, t } = useI18n();
  if (!alerts.length) return <Empty description={t('rep.alerts.empty')} data-testid="alerts-empty" />;
  return (
    <Row gutter={[16, 16]} data-testid="surge-alerts">
      {alerts.map((alert) => {
        const ratio = surgeRatio(alert);
        const std = alert.expected_std_per_day;
        return (
          <Col xs={24} xl={12} key={alert.id}>
            <Card
              size="small"
              data-testid="surge-alert"
              title={
                <Space>
                  <ThunderboltOutlined style={{ color: '#cf1322' }} />
                  <span>
                    {alert.sku} · {alert.site}
                  </span>
                  {ratio && <Tag color="red">{t('rep.alert.ratio', { ratio })}</Tag>}
                </Space>
              }
            >
              <Space direction="vertical" style={{ width: '100%' }}>
                <Typography.Text type="secondary">
                  {t('rep.alert.at')}: {formatTime(alert.at, lang)}
                </Typography.Text>
                <Space size="large" wrap>
                  <Statistic
                    title={t('rep.alert.soldToday')}
                    value={roundDecimal(alert.sold_today ?? alert.actual)}
                    valueStyle={{ color: '#cf1322' }}
                  />
                  <Statistic
                    title={t('rep.alert.expected')}
                    value={roundDecimal(alert.expected_per_day ?? alert.expected)}
                    suffix={std ? <Typography.Text type="secondary">± {roundDecimal(std)}</Typography.Text> : undefined}
                  />
                </Space>
                <Typography.Text strong>{t('rep.alert.candidates')}</Typography.Text>
                <SupplierTable options={alert.candidates} showScore={false} testId="alert-candidates" />
                {alert.suggestion_id ? (
                  <Link to={suggestionLink(alert.suggestion_id)} data-testid="alert-suggestion">
                    {t('rep.alert.suggestion')} → {t('rep.alert.open')}
                  </Link>
                ) : (
                  <Typography.Text type="secondary">{t('rep.alert.noSuggestion')}</Typography.Text>
                )}
              </Space>
            </Card>
          </Col>
        );
      })}
    </Row>
  );
}
