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

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * "4E+1" → "40", "-1.5e-3" → "-0.0015": Python's Decimal may print exponents, people read digits.
 * Returns null for text that is not a decimal number.
 */
export function plainDecimal(text: string): string | null {
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const [, sign = '', whole = '0', fraction = '', exponent = '0'] = match;
  const shift = Number(exponent);
  if (!Number.isSafeInteger(shift) || Math.abs(shift) > 1000) return null;
  let digits = whole + fraction;
  let point = whole.length + shift;
  if (point > digits.length) digits = digits.padEnd(point, '0');
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  const intPart = digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0';
  const fracPart = digits.slice(point).replace(/0+$/, '');
  const isZero = /^0+$/.test(intPart) && fracPart === '';
  return `${sign === '-' && !isZero ? '-' : ''}${intPart}${fracPart ? `.${fracPart}` : ''}`;
}

/** "1234567.500" → "1,234,567.5"; masked, blank and non-numeric input come back unchanged. */
export function formatQuantity(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return BLANK;
  const text = String(value).trim();
  const plain = plainDecimal(text);
  if (plain === null) return text;
  const [whole = '0', fraction] = plain.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction ? `${grouped}.${fraction}` : grouped;
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

/** "87010" → "87,010.00", "12.345600" → "12.3456": money with at least two decimals, never rounded. */
export function formatMoney(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return BLANK;
  const text = String(value).trim();
  const plain = plainDecimal(text);
  if (plain === null) return text;
  const [whole = '0', fraction = ''] = plain.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}.${fraction.padEnd(2, '0')}`;
}

/** A decimal string as an integer of units of 10^-scale; null for text that is not a number. */
function scaled(value: string): { digits: bigint; scale: number } | null {
  const plain = plainDecimal(value);
  if (plain === null) return null;
  const negative = plain.startsWith('-');
  const [whole = '0', fraction = ''] = plain.replace('-', '').split('.');
  const digits = BigInt(whole + fraction);
  return { digits: negative ? -digits : digits, scale: fraction.length };
}

/** The exact sum of decimal strings (no floating point); non-numeric entries make it null. */
export function sumDecimals(values: readonly (string | null | undefined)[]): string | null {
  const parsed: { digits: bigint; scale: number }[] = [];
  for (const value of values) {
    if (value === null || value === undefined || value === '') continue;
    const one = scaled(String(value));
    if (one === null) return null;
    parsed.push(one);
  }
  const scale = Math.max(0, ...parsed.map((p) => p.scale));
  const total = parsed.reduce((sum, p) => sum + p.digits * 10n ** BigInt(scale - p.scale), 0n);
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return plainDecimal(`${negative ? '-' : ''}${text}`);
}

/** `a − b` exactly ("10.5" − "3.25" → "7.25"); a blank operand counts as 0, text that is not a number gives null. */
export function subtractDecimals(a: string | null | undefined, b: string | null | undefined): string | null {
  if (b === null || b === undefined || b === '') return sumDecimals([a]);
  const plain = plainDecimal(String(b));
  if (plain === null) return null;
  const negated = plain.startsWith('-') ? plain.slice(1) : plain === '0' ? plain : `-${plain}`;
  return sumDecimals([a, negated]);
}

/** -1, 0 or 1 as `a` is below, equal to or above `b` (exactly); null when either is not a number. */
export function compareDecimals(a: string | null | undefined, b: string | null | undefined): -1 | 0 | 1 | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  const difference = subtractDecimals(a, b);
  if (difference === null) return null;
  if (difference === '0') return 0;
  return difference.startsWith('-') ? -1 : 1;
}

/** Whether a decimal string is a number above zero ("0.001" yes; "0", "-1", "", "abc" no). */
export function isPositiveDecimal(value: string | null | undefined): boolean {
  return compareDecimals(value, '0') === 1;
}

/** Whether two decimal strings are the same number ("8607.21" and "8607.210"). */
export function sameDecimal(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  const left = plainDecimal(a);
  return left !== null && left === plainDecimal(b);
}

/** An ISO date ("2026-12-01") as written; times get `formatTime`. */
export function formatDate(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : BLANK;
}
