/** Shows an item field; a value the role may not see ("***") becomes a lock with an explanation. */
import { LockOutlined } from '@ant-design/icons';
import { Tag, Tooltip, Typography } from 'antd';
import { useI18n } from '../context';
import { BLANK, formatMoney, isMasked } from '../format';

export function Masked() {
  const { t } = useI18n();
  return (
    <Tooltip title={t('item.masked')}>
      <Typography.Text type="secondary" data-testid="masked-value" aria-label={t('item.masked')}>
        <LockOutlined /> ***
      </Typography.Text>
    </Tooltip>
  );
}

function renderPlain(value: unknown) {
  if (value === null || value === undefined || value === '') return BLANK;
  if (Array.isArray(value)) {
    return value.length ? value.map((entry) => <Tag key={String(entry)}>{String(entry)}</Tag>) : BLANK;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.length) return BLANK;
    return entries.map(([key, entry]) => (
      <Tag key={key}>
        {key}: {isMasked(entry) ? '***' : String(entry)}
      </Tag>
    ));
  }
  return String(value);
}

export function FieldValue({ value }: { value: unknown }) {
  return isMasked(value) ? <Masked /> : <>{renderPlain(value)}</>;
}

/** A money value: "***" locked, null a dash, digits grouped with two decimals. */
export function Amount({ value, strong = false }: { value: unknown; strong?: boolean }) {
  if (isMasked(value)) return <Masked />;
  const text = value === null || value === undefined ? BLANK : formatMoney(String(value));
  return strong ? <strong>{text}</strong> : <>{text}</>;
}
