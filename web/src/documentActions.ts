/**
 * What the document page offers as next steps, decided on plain data (no React).
 *
 * The server lists what the signed-in caller may do with a document (`actions` of the detail);
 * the console never decides permissions itself, it only sorts the listed codes into buttons:
 * submit, approve/reject, the "execute lines" steps it has a form for (receive a purchase order,
 * ship a sales order, inspect or return a goods receipt, return a shipment, ship or receive a
 * transfer), and a hint for the rest (done through the API or CLI).
 *
 * Quantities stay decimal strings: what is still open is computed with exact string arithmetic.
 */
import type { DocumentLine } from './documentTypes';
import { compareDecimals, isPositiveDecimal, plainDecimal, subtractDecimals } from './format';

/** The steps the console has its own "execute lines" form for. */
export const EXECUTE_KINDS = [
  'po_receive',
  'so_ship',
  'gr_inspect',
  'gr_return',
  'shipment_return',
  'transfer_ship',
  'transfer_receive',
] as const;

export type ExecuteKind = (typeof EXECUTE_KINDS)[number];

/** An input a line of an execute form may have. */
export type LineInput = 'quantity' | 'passed' | 'failed' | 'disposition' | 'to_qc' | 'lot' | 'expiry_date' | 'from_state';

/** The key a request line names its source line by. */
export type LineRef = 'po_line' | 'so_line' | 'receipt_line' | 'shipment_line' | 'line_no';

export interface ExecuteSpec {
  kind: ExecuteKind;
  /** The action code of the document detail (`receive`, `ship` …). */
  action: string;
  /** The type of the document the step starts from. */
  sourceType: string;
  /** The API path (under /api/v1) of the step, for the source document. */
  endpoint: (organisation: string, number: string) => string;
  ref: LineRef;
  /** The line key whose quantity the step works off (ordered, received, shipped). */
  base: string;
  /** The line keys that count what was already done, shown next to the base quantity. */
  done: readonly string[];
  /** The inputs per line, the first one being the main quantity. */
  inputs: readonly LineInput[];
  /** Whether the form asks for a reason (returns: sent on every line). */
  reason: boolean;
}

const enc = encodeURIComponent;
const under = (collection: string, step: string) => (organisation: string, number: string) =>
  `/${collection}/${enc(organisation)}/${enc(number)}/${step}`;

const SPECS: Readonly<Record<ExecuteKind, ExecuteSpec>> = {
  po_receive: {
    kind: 'po_receive',
    action: 'receive',
    sourceType: 'purchase_order',
    endpoint: under('purchase-orders', 'receipts'),
    ref: 'po_line',
    base: 'quantity',
    done: ['received'],
    inputs: ['quantity', 'to_qc', 'lot', 'expiry_date'],
    reason: false,
  },
  so_ship: {
    kind: 'so_ship',
    action: 'ship',
    sourceType: 'sales_order',
    endpoint: under('sales-orders', 'shipments'),
    ref: 'so_line',
    base: 'quantity',
    done: ['shipped'],
    inputs: ['quantity'],
    reason: false,
  },
  gr_inspect: {
    kind: 'gr_inspect',
    action: 'inspect',
    sourceType: 'goods_receipt',
    endpoint: under('goods-receipts', 'inspections'),
    ref: 'receipt_line',
    base: 'quantity',
    done: ['inspected'],
    inputs: ['passed', 'failed', 'disposition'],
    reason: false,
  },
  gr_return: {
    kind: 'gr_return',
    action: 'return',
    sourceType: 'goods_receipt',
    endpoint: under('goods-receipts', 'returns'),
    ref: 'receipt_line',
    base: 'quantity',
    done: ['returned'],
    inputs: ['quantity', 'from_state'],
    reason: true,
  },
  shipment_return: {
    kind: 'shipment_return',
    action: 'return',
    sourceType: 'shipment',
    endpoint: under('shipments', 'returns'),
    ref: 'shipment_line',
    base: 'quantity',
    done: ['returned'],
    inputs: ['quantity'],
    reason: true,
  },
  transfer_ship: {
    kind: 'transfer_ship',
    action: 'ship',
    sourceType: 'transfer_order',
    endpoint: under('transfer-orders', 'shipments'),
    ref: 'line_no',
    base: 'quantity',
    done: ['shipped'],
    inputs: ['quantity', 'lot'],
    reason: false,
  },
  transfer_receive: {
    kind: 'transfer_receive',
    action: 'receive',
    sourceType: 'transfer_order',
    endpoint: under('transfer-orders', 'receipts'),
    ref: 'line_no',
    base: 'shipped',
    done: ['received', 'shortage'],
    inputs: ['quantity', 'lot'],
    reason: false,
  },
};

export function executeSpec(kind: ExecuteKind): ExecuteSpec {
  return SPECS[kind];
}

/** The execute form for `action` on a document of `type`, or null when the console has none. */
export function executeKind(type: string, action: string): ExecuteKind | null {
  return EXECUTE_KINDS.find((kind) => SPECS[kind].sourceType === type && SPECS[kind].action === action) ?? null;
}

/** The console route of a step's form: the document's route and the action code. */
export function executePath(documentRoute: string, action: string): string {
  return `${documentRoute}/${encodeURIComponent(action)}`;
}

export interface ActionPlan {
  submit: boolean;
  approve: boolean;
  reject: boolean;
  /** The steps with a form, in the server's order. */
  execute: { action: string; kind: ExecuteKind }[];
  /** Everything else listed (shipping notices, landed costs, closing, counting …): a hint, not a button. */
  elsewhere: string[];
}

/** Sorts the server's `actions` into what the page shows; nothing that is not listed is offered. */
export function planActions(type: string, actions: readonly string[] | null | undefined): ActionPlan {
  const plan: ActionPlan = { submit: false, approve: false, reject: false, execute: [], elsewhere: [] };
  for (const action of new Set(actions ?? [])) {
    if (action === 'submit' || action === 'approve' || action === 'reject') {
      plan[action] = true;
      continue;
    }
    const kind = executeKind(type, action);
    if (kind) plan.execute.push({ action, kind });
    else plan.elsewhere.push(action);
  }
  return plan;
}

/** A decimal string of a line, "0" when absent or not a number. */
function quantityOf(line: DocumentLine, key: string): string {
  const value = line[key];
  if (value === null || value === undefined || value === '') return '0';
  return plainDecimal(String(value)) ?? '0';
}

/** Never below zero: what is over-done is simply not open. */
function atLeastZero(value: string | null): string {
  return value === null || compareDecimals(value, '0') !== 1 ? '0' : value;
}

/** What a source line still leaves open for the step (exact; "0" when nothing). */
export function openQuantity(kind: ExecuteKind, line: DocumentLine): string {
  const q = (key: string) => quantityOf(line, key);
  switch (kind) {
    case 'po_receive':
      return atLeastZero(subtractDecimals(q('quantity'), q('received')));
    case 'so_ship':
    case 'transfer_ship':
      return atLeastZero(subtractDecimals(q('quantity'), q('shipped')));
    case 'gr_inspect':
      // Only what was received into QC waits for an inspection.
      return line.target === 'pending_qc' ? atLeastZero(subtractDecimals(q('quantity'), q('inspected'))) : '0';
    case 'gr_return':
    case 'shipment_return':
      return atLeastZero(subtractDecimals(q('quantity'), q('returned')));
    case 'transfer_receive':
      return atLeastZero(subtractDecimals(subtractDecimals(q('shipped'), q('received')), q('shortage')));
  }
}

export interface ExecuteRow {
  /** Index in the source document's lines (and in the form's `lines`). */
  index: number;
  lineNo: number;
  sku: string;
  unit: string;
  /** The base quantity (ordered; shipped for a transfer receipt). */
  base: string;
  /** The already-done counters, by line key. */
  done: Record<string, string>;
  open: string;
  /** Nothing left to do on this line. */
  closed: boolean;
}

/** One row per source line, with what it still leaves open. */
export function executeRows(kind: ExecuteKind, lines: readonly DocumentLine[]): ExecuteRow[] {
  const spec = SPECS[kind];
  return lines.map((line, index) => {
    const open = openQuantity(kind, line);
    return {
      index,
      lineNo: typeof line.line_no === 'number' ? line.line_no : Number(line.line_no ?? index + 1),
      sku: String(line.sku ?? ''),
      unit: String(line.unit ?? ''),
      base: quantityOf(line, spec.base),
      done: Object.fromEntries(spec.done.map((key) => [key, quantityOf(line, key)])),
      open,
      closed: !isPositiveDecimal(open),
    };
  });
}

/** A date the form gives: a Dayjs (anything with `format`) or already a string. */
type DateInput = string | { format: (pattern: string) => string } | null | undefined;
type NumberInput = string | number | null | undefined;

export interface ExecuteLineForm {
  quantity?: NumberInput;
  passed?: NumberInput;
  failed?: NumberInput;
  disposition?: string | null;
  /** Undefined: the item's own `qc_required` decides (the API's default). */
  to_qc?: boolean | null;
  lot?: string | null;
  expiry_date?: DateInput;
  from_state?: string | null;
}

export interface ExecuteForm {
  lines?: ExecuteLineForm[];
  reason?: string | null;
}

/** Whether an item's attributes ask for QC on receipt (as the API decides its default). */
export function qcRequired(attributes: unknown): boolean | undefined {
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) return undefined;
  const value = (attributes as Record<string, unknown>).qc_required;
  if (value === undefined || value === null) return false;
  return value === true || ['true', '1', 'yes'].includes(String(value).toLowerCase());
}

/** The form as it opens: every open line pre-filled with what is still open, closed lines with 0. */
export function initialExecuteForm(
  kind: ExecuteKind,
  lines: readonly DocumentLine[],
  qcBySku: Readonly<Record<string, boolean | undefined>> = {},
): ExecuteForm {
  const rows = executeRows(kind, lines);
  return {
    reason: SPECS[kind].reason ? '' : undefined,
    lines: rows.map((row): ExecuteLineForm => {
      const line = lines[row.index] ?? {};
      switch (kind) {
        case 'gr_inspect':
          return { passed: row.open, failed: '0', disposition: undefined };
        case 'po_receive':
          return { quantity: row.open, to_qc: qcBySku[row.sku], lot: '', expiry_date: undefined };
        case 'gr_return':
          return { quantity: row.open, from_state: openQuantity('gr_inspect', line) !== '0' ? 'pending_qc' : 'available' };
        case 'transfer_ship':
          return { quantity: row.open, lot: typeof line.lot === 'string' ? line.lot : '' };
        case 'transfer_receive':
          return { quantity: row.open, lot: typeof line.shipped_lot === 'string' ? line.shipped_lot : '' };
        default:
          return { quantity: row.open };
      }
    }),
  };
}

function text(value: NumberInput | string): string {
  return value === null || value === undefined ? '' : String(value).trim();
}

function isoDate(value: DateInput): string {
  if (!value) return '';
  return typeof value === 'string' ? value : value.format('YYYY-MM-DD');
}

/** A number typed into the form, as sent ("" and non-numbers → "0"). */
function amount(value: NumberInput): string {
  return plainDecimal(text(value)) ?? '0';
}

/** Whether a quantity typed into the form is above zero. */
export function isPositiveInput(value: NumberInput): boolean {
  return isPositiveDecimal(amount(value));
}

export interface ExecuteRequest {
  body: { lines: Record<string, unknown>[] };
  /** For request line i, the index of the form row it came from (to show problems at their row). */
  rows: number[];
}

/** The step's request body: lines with nothing to do (0) are left out. */
export function executeRequest(kind: ExecuteKind, sourceLines: readonly DocumentLine[], form: ExecuteForm): ExecuteRequest {
  const spec = SPECS[kind];
  const rows = executeRows(kind, sourceLines);
  const reason = text(form.reason);
  const out: Record<string, unknown>[] = [];
  const sent: number[] = [];
  rows.forEach((row) => {
    const input = form.lines?.[row.index] ?? {};
    const line: Record<string, unknown> = { [spec.ref]: row.lineNo };
    if (kind === 'gr_inspect') {
      const passed = amount(input.passed);
      const failed = amount(input.failed);
      if (!isPositiveDecimal(passed) && !isPositiveDecimal(failed)) return;
      Object.assign(line, { passed, failed });
      if (isPositiveDecimal(failed) && input.disposition) line.disposition = input.disposition;
    } else {
      const quantity = amount(input.quantity);
      if (!isPositiveDecimal(quantity)) return;
      line.quantity = quantity;
      if (spec.inputs.includes('to_qc') && typeof input.to_qc === 'boolean') line.to_qc = input.to_qc;
      if (spec.inputs.includes('lot') && text(input.lot)) line.lot = text(input.lot);
      if (spec.inputs.includes('expiry_date') && isoDate(input.expiry_date)) line.expiry_date = isoDate(input.expiry_date);
      if (spec.inputs.includes('from_state') && input.from_state) line.from_state = input.from_state;
      if (spec.reason && reason) line.reason = reason;
    }
    out.push(line);
    sent.push(row.index);
  });
  return { body: { lines: out }, rows: sent };
}

/** A form field an API problem points at. */
export type ExecuteFieldPath = ['lines', number, LineInput] | ['reason'];

/**
 * The form field a problem's `field` names — "lines[1].quantity" (the API's own errors) or
 * "lines.1.quantity" (request validation), where 1 is the index in the request, mapped back to
 * the form row through `rows` — or null when the form has no such field (shown above the form).
 * A problem about a line's reference or SKU is shown at its main quantity.
 */
export function executeFieldPath(kind: ExecuteKind, field: string | null | undefined, rows: readonly number[]): ExecuteFieldPath | null {
  if (!field) return null;
  const spec = SPECS[kind];
  const parts = field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  const [head, index, name] = parts;
  if (parts.length === 1 && head === 'reason' && spec.reason) return ['reason'];
  if (head !== 'lines' || index === undefined || !/^\d+$/.test(index) || parts.length > 3) return null;
  const row = rows[Number(index)];
  if (row === undefined) return null;
  if (name === 'reason') return spec.reason ? ['reason'] : null;
  const main = spec.inputs[0] ?? 'quantity';
  if (name === 'inspected') return ['lines', row, 'passed'];
  if (name && (spec.inputs as readonly string[]).includes(name)) return ['lines', row, name as LineInput];
  return ['lines', row, main];
}

/** Purchase returns may take stock from these states (what a receipt or its QC left it in). */
export const RETURN_FROM_STATES = ['available', 'pending_qc', 'qc_hold', 'damaged'] as const;

/** What failed QC stock becomes. */
export const FAILED_DISPOSITIONS = ['return_to_supplier', 'damaged'] as const;
