/** One item: its fields (masked ones locked), ATP roll-up and movement history. */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Card, Descriptions, Skeleton, Space, Typography } from 'antd';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api';
import { AtpCard } from '../components/AtpCard';
import { FieldValue } from '../components/MaskedValue';
import { MovementsCard } from '../components/MovementsCard';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../context';
import { useLoad } from '../hooks';
import { fieldLabelKey, itemName, visibleFields } from '../items';

export function ItemPage() {
  const { sku = '' } = useParams<{ sku: string }>();
  const { lang, t } = useI18n();
  const { data: item, loading, problem, reload } = useLoad((signal) => api.getItem(sku, signal), [sku]);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/items" data-testid="item-back">
        <ArrowLeftOutlined /> {t('item.back')}
      </Link>
      <Typography.Title level={3} style={{ margin: 0 }} data-testid="item-title">
        {item ? `${item.sku} · ${itemName(item, lang)}` : sku}
      </Typography.Title>
      {problem && <ProblemAlert problem={problem} onRetry={reload} />}
      <Card>
        {loading && !item ? (
          <Skeleton active />
        ) : (
          item && (
            <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} data-testid="item-fields">
              {visibleFields(item).map((field) => (
                <Descriptions.Item key={field} label={t(fieldLabelKey(field))}>
                  <span data-testid={`item-field-${field}`}>
                    <FieldValue value={item[field]} />
                  </span>
                </Descriptions.Item>
              ))}
            </Descriptions>
          )
        )}
      </Card>
      {!problem && <AtpCard sku={sku} />}
      {!problem && <MovementsCard key={sku} sku={sku} />}
    </Space>
  );
}
