/**
 * Display helpers for values the API sends as strings.
 *
 * Quantities and money arrive as decimal strings; they are formatted by string manipulation so
 * no precision is lost on the way to the screen. Only charts convert to floating point.
 */

export const MASK = '***';
export const BLANK = '—';

/** True when the server masked the value for the caller's role. */
export function isMasked(value: unknown): boolean {
  return value === MASK;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** "1234567.500" → "1,234,567.5"; masked, blank and non-numeric input come back unchanged. */
export function formatQuantity(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return BLANK;
  const text = String(value).trim();
  const match = DECIMAL.exec(text);
  if (!match) return text;
  const [, sign = '', whole = '0', fraction = ''] = match;
  const digits = whole.replace(/^0+(?=\d)/, '');
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const trimmed = fraction.replace(/0+$/, '');
  const isZero = /^0*$/.test(digits) && trimmed === '';
  const shownSign = sign === '-' && !isZero ? '-' : '';
  return `${shownSign}${grouped}${trimmed ? `.${trimmed}` : ''}`;
}

/** A decimal string as a number for charts; anything unparsable counts as 0. */
export function toChartNumber(value: string | null | undefined): number {
  if (!value || !DECIMAL.test(value.trim())) return 0;
  return Number(value);
}

/** An ISO 8601 time in the browser's zone, in the console's language. */
export function formatTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return BLANK;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
