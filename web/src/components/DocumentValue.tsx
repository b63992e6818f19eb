/** One value of a document line or header field, shown by what it is (money, quantity, rate …). */
import { Link } from 'react-router-dom';
import { useI18n } from '../context';
import { plainValue, rateToPercent, valueKind } from '../documents';
import { BLANK, formatDate, formatQuantity, isMasked } from '../format';
import { stateLabel } from '../i18n';
import { Amount, Masked } from './MaskedValue';

export function DocumentValue({ name, value }: { name: string; value: unknown }) {
  const { lang, t } = useI18n();
  if (isMasked(value)) return <Masked />;
  if (value === null || value === undefined || value === '') return <>{BLANK}</>;
  if (typeof value === 'boolean') return <>{t(value ? 'common.yes' : 'common.no')}</>;
  if (name === 'sku' && typeof value === 'string') return <Link to={`/items/${encodeURIComponent(value)}`}>{value}</Link>;
  switch (valueKind(name)) {
    case 'money':
      return <Amount value={value} />;
    case 'quantity':
      return <>{formatQuantity(String(value))}</>;
    case 'rate':
      return <>{rateToPercent(value)}</>;
    case 'state':
      return <>{stateLabel(lang, String(value))}</>;
    case 'date':
      return <>{formatDate(String(value))}</>;
    default:
      return <>{plainValue(value)}</>;
  }
}

/** Numbers read best right-aligned. */
export function isNumericColumn(name: string): boolean {
  const kind = valueKind(name);
  return kind === 'money' || kind === 'quantity' || kind === 'rate';
}
