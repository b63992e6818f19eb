/**
 * Shapes of the documents, approvals and vouchers of the jxc API v1 (docs/api.md, "Documents";
 * the response models of src/jxc/documents/api.py). Money and quantities are decimal strings;
 * a money field the role may not see is "***" (masked) or absent (hidden).
 */

export const DOCUMENT_TYPES = [
  'purchase_order',
  'goods_receipt',
  'qc_inspection',
  'purchase_return',
  'sales_order',
  'shipment',
  'sales_return',
  'transfer_order',
  'stocktake',
] as const;

export const DOCUMENT_STATUSES = ['draft', 'submitted', 'approved', 'partially_done', 'done', 'cancelled'] as const;

export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** A money value as sent: digits, "***" when masked, null where the type has none. */
export type MoneyText = string | null;

export interface DocumentRef {
  id: string;
  number: string;
  type: string;
  status?: string | null;
  doc_date?: string | null;
}

export interface DocumentSummary {
  id: string;
  number: string;
  type: string;
  status: string;
  organisation: string;
  doc_date: string;
  amount?: MoneyText;
  partner: string | null;
  site: string | null;
}

export interface DocumentPage {
  documents: DocumentSummary[];
  next: string | null;
}

export interface ApprovalLevel {
  name: string;
  name_zh: string | null;
  name_en: string | null;
  approver_roles: string[];
  approver_users: string[];
  skippable: boolean;
}

export interface ApprovalDecision {
  level: string;
  actor: string;
  on_behalf_of: string | null;
  action: string;
  reason: string | null;
  at: string;
}

export interface Approval {
  id: string;
  document: DocumentRef;
  organisation: string | null;
  site: string | null;
  flow: string;
  status: string;
  amount?: MoneyText;
  requested_by: string;
  requested_at: string;
  current_level: string | null;
  levels: ApprovalLevel[];
  history: ApprovalDecision[];
  closed_at: string | null;
}

export interface Inbox {
  requests: Approval[];
}

export interface HistoryEntry {
  at: string;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

export interface MovementLink {
  movement_id: string;
  line_no: number;
  sku: string;
  quantity: string;
  lot: string | null;
  role: string;
}

export interface VoucherLine {
  line_no: number;
  account: string;
  account_name_zh: string;
  account_name_en: string;
  debit: string;
  credit: string;
  summary_zh: string;
  summary_en: string;
  partner: string | null;
  item: string | null;
  site: string | null;
  department: string | null;
  quantity: string | null;
}

export interface Voucher {
  id: string;
  number: string;
  organisation: string;
  date: string;
  period: string;
  word: string;
  seq: number;
  kind: string;
  total: string;
  document_ref: string | null;
  document: DocumentRef | null;
  preparer: string;
  lines: VoucherLine[];
}

export interface VoucherPage {
  vouchers: Voucher[];
  next: string | null;
}

export interface Amounts {
  net: string;
  vat: string;
  gross: string;
}

/** A document line as stored: its keys depend on the type (po_line, target, shipped …). */
export type DocumentLine = Record<string, unknown> & { line_no?: number };

export interface DocumentDetail extends DocumentSummary {
  source: DocumentRef | null;
  executions: DocumentRef[];
  created_by: string;
  created_at: string;
  updated_at: string;
  version: number;
  closed_reason: string | null;
  cancelled_reason: string | null;
  amounts?: Amounts | null;
  fields: Record<string, unknown>;
  lines: DocumentLine[];
  approval: Approval | null;
  history: HistoryEntry[];
  movements: MovementLink[];
  vouchers: Voucher[] | null;
  /**
   * What the signed-in caller may do with it now, as the server decided (role, sites, state):
   * submit, receive, shipping_notice, revise, inspect, return, landed_cost, ship, close, count,
   * post, order; approve and reject when its pending approval level is the caller's.
   */
  actions: string[];
}

export interface PurchaseOrderLineIn {
  sku: string;
  quantity: string;
  unit_price: string;
  vat_rate: string;
  expected_date: string;
}

export interface PurchaseOrderCreate {
  organisation: string;
  supplier: string;
  site: string;
  lines: PurchaseOrderLineIn[];
}

export interface Organisation {
  code: string;
  name_zh: string;
  name_en: string;
  relation: string;
  parent_code: string | null;
}

export interface Site {
  code: string;
  name_zh: string;
  name_en: string;
  kind: string;
  organisation: string | null;
  region: string | null;
}
