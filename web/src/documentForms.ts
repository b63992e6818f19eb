/**
 * The new sales order and transfer order forms, decided on plain data (no React): the request
 * bodies of `POST /sales-orders` and `POST /transfer-orders`, and where an API problem is shown.
 * Quantities and prices stay the strings typed; a VAT rate is typed as a percentage (13 → "0.13").
 */
import { percentToRate } from './documents';

type Input = string | number | null | undefined;

function text(value: Input): string {
  return value === null || value === undefined ? '' : String(value).trim();
}

/** The sales channels `SalesOrderCreate.channel` accepts, in the order the form offers them. */
export const SALES_CHANNELS = ['b2b', 'pos', 'online', 'mini_program'] as const;

export interface SalesOrderLineForm {
  sku?: string;
  quantity?: Input;
  unit_price?: Input;
  /** A percentage as the user types it (13 for 13%). */
  vat_rate?: Input;
  discount?: Input;
}

export interface SalesOrderForm {
  organisation?: string;
  site?: string;
  customer?: string | null;
  channel?: string;
  lines?: SalesOrderLineForm[];
}

export interface SalesOrderCreate {
  organisation: string;
  site: string;
  customer: string | null;
  channel: string;
  lines: { sku: string; quantity: string; unit_price: string; vat_rate: string; discount?: string }[];
}

/** The `POST /sales-orders` body: no customer for a till sale left blank, no discount unless typed. */
export function salesOrderBody(form: SalesOrderForm): SalesOrderCreate {
  return {
    organisation: text(form.organisation),
    site: text(form.site),
    customer: text(form.customer) || null,
    channel: text(form.channel) || 'b2b',
    lines: (form.lines ?? []).map((line) => {
      const discount = text(line.discount);
      return {
        sku: text(line.sku),
        quantity: text(line.quantity),
        unit_price: text(line.unit_price),
        vat_rate: percentToRate(line.vat_rate) ?? '0.13',
        ...(discount ? { discount } : {}),
      };
    }),
  };
}

export interface TransferOrderLineForm {
  sku?: string;
  quantity?: Input;
}

export interface TransferOrderForm {
  from_site?: string;
  to_site?: string;
  same_lot?: boolean;
  lines?: TransferOrderLineForm[];
}

export interface TransferOrderCreate {
  from_site: string;
  to_site: string;
  same_lot: boolean;
  lines: { sku: string; quantity: string }[];
}

/** The `POST /transfer-orders` body (numbered by the sending site's organisation). */
export function transferOrderBody(form: TransferOrderForm): TransferOrderCreate {
  return {
    from_site: text(form.from_site),
    to_site: text(form.to_site),
    same_lot: form.same_lot === true,
    lines: (form.lines ?? []).map((line) => ({ sku: text(line.sku), quantity: text(line.quantity) })),
  };
}

/** A field of a form as AntD names it: a header field or a line's field. */
export type FormPath<H extends string, L extends string> = [H] | ['lines', number, L];

function oneOf<T extends string>(options: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (options as readonly string[]).includes(value);
}

/**
 * The form field a problem's `field` names — "lines[0].quantity" (the API's own errors) or
 * "lines.0.quantity" (request validation) → ["lines", 0, "quantity"] — when the form has it;
 * else null (the problem is shown above the form).
 */
export function fieldPathIn<H extends string, L extends string>(
  field: string | null | undefined,
  headerFields: readonly H[],
  lineFields: readonly L[],
): FormPath<H, L> | null {
  if (!field) return null;
  const parts = field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  const [head, index, name] = parts;
  if (parts.length === 1 && oneOf(headerFields, head)) return [head];
  if (parts.length === 3 && head === 'lines' && index !== undefined && /^\d+$/.test(index) && oneOf(lineFields, name)) {
    return ['lines', Number(index), name];
  }
  return null;
}

export const SALES_ORDER_FIELDS = ['organisation', 'site', 'customer', 'channel'] as const;
export const SALES_ORDER_LINE_FIELDS = ['sku', 'quantity', 'unit_price', 'vat_rate', 'discount'] as const;
export const TRANSFER_ORDER_FIELDS = ['from_site', 'to_site', 'same_lot'] as const;
export const TRANSFER_ORDER_LINE_FIELDS = ['sku', 'quantity'] as const;

type SalesOrderPath = FormPath<(typeof SALES_ORDER_FIELDS)[number], (typeof SALES_ORDER_LINE_FIELDS)[number]>;
type TransferOrderPath = FormPath<(typeof TRANSFER_ORDER_FIELDS)[number], (typeof TRANSFER_ORDER_LINE_FIELDS)[number]>;

export function salesOrderFieldPath(field: string | null | undefined): SalesOrderPath | null {
  return fieldPathIn(field, SALES_ORDER_FIELDS, SALES_ORDER_LINE_FIELDS);
}

/** A transfer's lines are also named by what the form does not show (unit, lot): shown at the SKU. */
export function transferOrderFieldPath(field: string | null | undefined): TransferOrderPath | null {
  const path = fieldPathIn(field, TRANSFER_ORDER_FIELDS, [...TRANSFER_ORDER_LINE_FIELDS, 'unit', 'lot']);
  if (path === null || path.length === 1) return path;
  const [, index, name] = path;
  return ['lines', index, oneOf(TRANSFER_ORDER_LINE_FIELDS, name) ? name : 'sku'];
}

/** The sites stock documents are written at (not channels or virtual sites), as select options. */
export function stockSiteOptions(
  sites: readonly { code: string; name_zh: string; name_en: string; kind: string }[],
  lang: string,
): { value: string; label: string }[] {
  return sites
    .filter((site) => site.kind === 'warehouse' || site.kind === 'store')
    .map((site) => ({
      value: site.code,
      label: `${site.code} · ${(lang === 'zh-CN' ? site.name_zh : site.name_en) || site.name_zh || site.name_en}`,
    }));
}
