/** What the document pages show, decided on plain data (no React). */
import type { DocumentLine, PurchaseOrderCreate } from './documentTypes';
import { BLANK, isMasked, plainDecimal } from './format';

const STATUS_COLORS: Readonly<Record<string, string>> = {
  draft: 'default',
  submitted: 'processing',
  approved: 'cyan',
  partially_done: 'gold',
  done: 'success',
  cancelled: 'error',
};

const TYPE_COLORS: Readonly<Record<string, string>> = {
  purchase_requisition: 'blue',
  purchase_order: 'blue',
  advance_shipping_notice: 'geekblue',
  goods_receipt: 'geekblue',
  qc_inspection: 'purple',
  purchase_return: 'volcano',
  sales_order: 'green',
  shipment: 'lime',
  sales_return: 'orange',
  transfer_order: 'cyan',
  stocktake: 'magenta',
};

const APPROVAL_COLORS: Readonly<Record<string, string>> = {
  pending: 'processing',
  approved: 'success',
  rejected: 'error',
  cancelled: 'default',
};

/** AntD tag colours; unknown codes get the neutral one. */
export function statusColor(status: string): string {
  return STATUS_COLORS[status] ?? 'default';
}

export function typeColor(type: string): string {
  return TYPE_COLORS[type] ?? 'default';
}

export function approvalStatusColor(status: string): string {
  return APPROVAL_COLORS[status] ?? 'default';
}

/** The console route of a document. */
export function documentPath(organisation: string, number: string): string {
  return `/documents/${encodeURIComponent(organisation)}/${encodeURIComponent(number)}`;
}

/** "user:director" → "director"; rules ("rule:R-7") and other principals stay as they are. */
export function actorName(actor: string | null | undefined): string {
  if (!actor) return BLANK;
  return actor.startsWith('user:') ? actor.slice('user:'.length) : actor;
}

/** How a line or header value is shown. */
export type ValueKind = 'money' | 'quantity' | 'rate' | 'state' | 'date' | 'text';

const KINDS: Readonly<Record<string, ValueKind>> = {
  unit_price: 'money',
  discount: 'money',
  net: 'money',
  vat: 'money',
  gross: 'money',
  amount: 'money',
  unit_cost: 'money',
  quantity: 'quantity',
  received: 'quantity',
  returned: 'quantity',
  shipped: 'quantity',
  inspected: 'quantity',
  passed: 'quantity',
  failed: 'quantity',
  book_qty: 'quantity',
  counted_qty: 'quantity',
  recount_qty: 'quantity',
  shortage: 'quantity',
  vat_rate: 'rate',
  target: 'state',
  from_state: 'state',
  expected_date: 'date',
  requested_date: 'date',
  production_date: 'date',
  expiry_date: 'date',
};

export function valueKind(key: string): ValueKind {
  return KINDS[key] ?? 'text';
}

/** Line keys in reading order; keys a type adds that are not listed here follow, as sent. */
const LINE_ORDER = [
  'line_no', 'po_line', 'so_line', 'receipt_line', 'shipment_line', 'sku', 'lot', 'serial', 'bin', 'shipped_lot',
  'quantity', 'unit', 'book_qty', 'counted_qty', 'recount_qty', 'passed', 'failed', 'disposition', 'target',
  'from_state', 'unit_price', 'discount', 'vat_rate', 'net', 'vat', 'gross', 'unit_cost', 'amount',
  'expected_date', 'requested_date', 'production_date', 'expiry_date', 'received', 'inspected', 'shipped',
  'returned', 'shortage', 'responsible', 'reason', 'note', 'schedule', 'allocations',
];

/** The columns of a lines table: every key some line has, in reading order. */
export function lineColumns(lines: readonly DocumentLine[]): string[] {
  const present = new Set<string>();
  for (const line of lines) for (const key of Object.keys(line)) present.add(key);
  const known = LINE_ORDER.filter((key) => present.has(key));
  const rest = [...present].filter((key) => !LINE_ORDER.includes(key));
  return [...known, ...rest];
}

/** "0.13" → "13%". */
export function rateToPercent(rate: unknown): string {
  if (rate === null || rate === undefined || rate === '') return BLANK;
  if (isMasked(rate)) return String(rate);
  const plain = plainDecimal(`${String(rate)}e2`);
  return plain === null ? String(rate) : `${plain}%`;
}

/** "13" (a percentage as typed) → "0.13", exactly; null for text that is not a number. */
export function percentToRate(percent: string | number | null | undefined): string | null {
  if (percent === null || percent === undefined || String(percent).trim() === '') return null;
  return plainDecimal(`${String(percent).trim()}e-2`);
}

/** Any other value, compactly: lists joined, objects as JSON, empty as a dash. */
export function plainValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return BLANK;
  if (Array.isArray(value)) return value.length ? value.map(plainValue).join('; ') : BLANK;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length ? entries.map(([key, entry]) => `${key}: ${plainValue(entry)}`).join(', ') : BLANK;
  }
  return String(value);
}

/** A date the form gives: a Dayjs (anything with `format`) or already a string. */
type DateInput = string | { format: (pattern: string) => string } | null | undefined;

export interface PurchaseOrderLineForm {
  sku?: string;
  quantity?: string | number | null;
  unit_price?: string | number | null;
  /** A percentage as the user types it (13 for 13%). */
  vat_rate?: string | number | null;
  expected_date?: DateInput;
}

export interface PurchaseOrderForm {
  organisation?: string;
  supplier?: string;
  site?: string;
  lines?: PurchaseOrderLineForm[];
}

function text(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value).trim();
}

function isoDate(value: DateInput): string {
  if (!value) return '';
  return typeof value === 'string' ? value : value.format('YYYY-MM-DD');
}

/** The `POST /purchase-orders` body from the form (the VAT rate typed as a percentage). */
export function purchaseOrderBody(form: PurchaseOrderForm): PurchaseOrderCreate {
  return {
    organisation: text(form.organisation),
    supplier: text(form.supplier),
    site: text(form.site),
    lines: (form.lines ?? []).map((line) => ({
      sku: text(line.sku),
      quantity: text(line.quantity),
      unit_price: text(line.unit_price),
      vat_rate: percentToRate(line.vat_rate) ?? '0.13',
      expected_date: isoDate(line.expected_date),
    })),
  };
}

const FORM_FIELDS = ['organisation', 'supplier', 'site'] as const;
const LINE_FIELDS = ['sku', 'quantity', 'unit_price', 'vat_rate', 'expected_date'] as const;

/** A field of the purchase order form, as AntD names it. */
export type FieldPath =
  | [(typeof FORM_FIELDS)[number]]
  | ['lines', number, (typeof LINE_FIELDS)[number]];

function oneOf<T extends string>(options: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (options as readonly string[]).includes(value);
}

/**
 * The form field a problem's `field` names — "lines[0].quantity" (the API's own errors) or
 * "lines.0.quantity" (request validation) → ["lines", 0, "quantity"] — or null when the form has
 * no such field (then the problem is shown above the form).
 */
export function formFieldPath(field: string | null | undefined): FieldPath | null {
  if (!field) return null;
  const parts = field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const [head, index, name] = parts;
  if (parts.length === 1 && oneOf(FORM_FIELDS, head)) return [head];
  if (parts.length === 3 && head === 'lines' && typeof index === 'number' && oneOf(LINE_FIELDS, name)) {
    return ['lines', index, name];
  }
  return null;
}
