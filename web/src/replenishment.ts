/**
 * Replenishment (补货建议) decided on plain data, no React: the API's shapes, the figures behind a
 * suggestion as a readable breakdown, reason and code labels, the approve body from a selection,
 * and which draft purchase order lives in which organisation.
 *
 * Quantities and money stay decimal strings end to end (format.ts); only rounding for display
 * happens here, on the digits, never through floating point.
 */
import { BLANK, isMasked, isPositiveDecimal, plainDecimal, sameDecimal, subtractDecimals, sumDecimals } from './format';
import { codeLabel, t, type Lang, type MessageKey } from './i18n';

// --- the API's shapes (src/jxc/replenishment/api.py, src/jxc/signals/api.py) ---------------------

export const SUGGESTION_STATUSES = ['open', 'approved', 'dismissed', 'superseded'] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

/** Every figure a suggestion was computed from; decimals as strings, "***" where masked. */
export interface SuggestionFigures {
  forecast_per_day?: string;
  forecast_std_per_day?: string;
  forecast_method?: string;
  history_days?: number | string;
  service_target?: string;
  service_kind?: string;
  protection_days?: string;
  demand_over_protection?: string;
  safety_stock?: string;
  reorder_point?: string;
  order_up_to?: string;
  position?: string;
  on_hand?: string;
  in_transit?: string;
  reserved?: string;
  open_orders?: string;
  commitments?: string;
  expected_date?: string;
  [key: string]: unknown;
}

/** One of the best suppliers a suggestion compared (`unit_price` "***" for roles that may not see costs). */
export interface SupplierOption {
  supplier: string;
  unit_price?: string | null;
  lead_time_days?: string | null;
  on_time_rate?: string | null;
  score?: string | null;
}

export interface Suggestion {
  id: string;
  status: string;
  kind: string;
  sku: string;
  site: string;
  supplier: string | null;
  quantity: string;
  created_at: string;
  purchase_order: string | null;
  reasons: string[];
  figures: SuggestionFigures;
  alternatives: SupplierOption[];
  abc_class: string;
}

export interface SuggestionPage {
  suggestions: Suggestion[];
}

export interface RunReport {
  run_id: string;
  series: number;
  suggestions: number;
  alerts: number;
}

export interface ApproveBody {
  ids: string[];
  quantities?: Record<string, string>;
}

export interface Approved {
  purchase_orders: string[];
}

export interface SurgeAlert {
  id: string;
  at: string;
  actual: string;
  expected: string;
  suggestion_id: string | null;
  sku: string;
  site: string;
  expected_per_day?: string;
  expected_std_per_day?: string;
  sold_today?: string;
  candidates: SupplierOption[];
}

export interface AlertPage {
  alerts: SurgeAlert[];
}

export interface DemandPoint {
  period: string;
  quantity: string;
  promo_quantity: string;
  revenue: string;
  events: number;
}

export interface DemandHistory {
  sku: string;
  site: string;
  by: 'day' | 'hour';
  points: DemandPoint[];
}

/** A forecast day with its interval (the forecasting endpoint's shape, when it comes). */
/** `GET /forecasts/{sku}/{site}`: the latest forecast of a series and its backtest accuracy. */
export interface StoredForecast {
  sku: string;
  site: string;
  forecast_at: string | null;
  method: string | null;
  demand_class: string | null;
  mase: string | null;
  bias: string | null;
  pinball: string | null;
  path: Array<Record<string, string | number | null>>;
}

/** The stored path as chart points: the mean, and the band from the median to the 99.2 % quantile. */
export function forecastPoints(stored: StoredForecast | null | undefined): ForecastPoint[] {
  return (stored?.path ?? []).map((point) => ({
    ds: String(point.ds),
    mean: point.mean ?? 0,
    lo: point['q0.5'] ?? null,
    hi: point['q0.992'] ?? null,
  }));
}

export interface ForecastPoint {
  ds: string;
  mean: number | string;
  lo?: number | string | null;
  hi?: number | string | null;
}

// --- exact decimals for display -------------------------------------------------------------------

/**
 * A decimal string rounded half away from zero to `places` decimals, trailing zeros dropped
 * ("43.428571" → "43.43", "4" → "4"); masked and non-numeric text comes back unchanged.
 */
export function roundDecimal(value: string | number | null | undefined, places = 2): string {
  if (value === null || value === undefined || value === '') return BLANK;
  const text = String(value).trim();
  const plain = plainDecimal(text);
  if (plain === null) return text;
  const negative = plain.startsWith('-');
  const [whole = '0', fraction = ''] = plain.replace('-', '').split('.');
  if (fraction.length <= places) return plain;
  const kept = BigInt(whole + fraction.slice(0, places));
  const up = Number(fraction[places]) >= 5 ? 1n : 0n;
  const digits = (kept + up).toString().padStart(places + 1, '0');
  const body = places ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return plainDecimal(`${negative ? '-' : ''}${body}`) ?? text;
}

/** A share as a percentage, exactly: "0.992" → "99.2", "0.95" → "95". */
export function percent(share: string | null | undefined): string {
  if (share === null || share === undefined || share === '') return BLANK;
  const plain = plainDecimal(String(share));
  if (plain === null) return String(share);
  return plainDecimal(`${plain}e2`) ?? String(share);
}

// --- labels -------------------------------------------------------------------------------------

export const REASONS = [
  'below_reorder_point',
  'above_reorder_point',
  'rounded_to_pack',
  'raised_to_moq',
  'capped_by_shelf_life',
  'capped_by_budget',
] as const;

const REASON_COLORS: Readonly<Record<string, string>> = {
  below_reorder_point: 'volcano',
  above_reorder_point: 'green',
  rounded_to_pack: 'blue',
  raised_to_moq: 'geekblue',
  capped_by_shelf_life: 'gold',
  capped_by_budget: 'orange',
};

/** A reason code in `lang`; a code this console does not know shows as itself. */
export function reasonLabel(lang: Lang, code: string): string {
  return codeLabel(lang, 'repReason', code);
}

export function reasonColor(code: string): string {
  return REASON_COLORS[code] ?? 'default';
}

/** Emergency suggestions (raised by a sales surge) in red. */
export function kindColor(kind: string): string {
  return kind === 'emergency' ? 'red' : 'default';
}

const CLASS_COLORS: Readonly<Record<string, string>> = { A: 'magenta', B: 'purple', C: 'cyan' };

export function abcColor(abc: string): string {
  return CLASS_COLORS[abc] ?? 'default';
}

/** "recent_28d" → "近 28 天平均"; other models by their code (the forecasting engine names its own). */
export function forecastMethodLabel(lang: Lang, method: string | null | undefined): string {
  if (!method) return BLANK;
  const recent = /^recent_(\d+)d$/.exec(method);
  if (recent) return t(lang, 'rep.method.recent', { days: recent[1] ?? '' });
  return codeLabel(lang, 'repMethod', method);
}

// --- the figures behind a suggestion ------------------------------------------------------------

/** One line of the "why" breakdown: a label, the value as shown, and how it came about. */
export interface FigureRow {
  key: string;
  label: string;
  value: string;
  /** How the value is made up, e.g. "173.71 + 91.13" for the reorder point. */
  detail?: string;
  /** The full-precision value when `value` was rounded. */
  exact?: string;
  /** Set when the row sums others up (reorder point, position). */
  emphasis?: boolean;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return String(value);
}

/** A figure for display: rounded to 2 decimals, masked values as "***". */
function shown(value: unknown, places = 2): string {
  const raw = text(value);
  if (raw === null) return BLANK;
  if (isMasked(raw)) return raw;
  return roundDecimal(raw, places);
}

function exactIfRounded(value: unknown, places = 2): string | undefined {
  const raw = text(value);
  if (raw === null || isMasked(raw)) return undefined;
  const plain = plainDecimal(raw);
  return plain !== null && plain !== roundDecimal(raw, places) ? plain : undefined;
}

/**
 * position = on hand + in transit + open orders − commitments, exactly; null when a part is
 * missing or masked. `reserved` is not subtracted: it is already out of on hand's available.
 */
export function positionFromParts(figures: SuggestionFigures): string | null {
  const parts = [figures.on_hand, figures.in_transit, figures.open_orders, figures.commitments];
  if (parts.some((part) => text(part) === null || isMasked(part))) return null;
  const total = sumDecimals([figures.on_hand, figures.in_transit, figures.open_orders]);
  return total === null ? null : subtractDecimals(total, figures.commitments);
}

/** How far the position is below the reorder point (positive: below, the reason to order). */
export function shortfall(figures: SuggestionFigures): string | null {
  if (!text(figures.reorder_point) || !text(figures.position)) return null;
  return subtractDecimals(figures.reorder_point, figures.position);
}

/** The figures as labelled rows, in the order the planner derived them. */
export function figureRows(figures: SuggestionFigures, lang: Lang): FigureRow[] {
  const label = (key: MessageKey) => t(lang, key);
  const rows: FigureRow[] = [];
  const add = (row: FigureRow) => {
    if (row.exact === undefined) delete row.exact;
    if (row.detail === undefined) delete row.detail;
    rows.push(row);
  };

  const method = forecastMethodLabel(lang, text(figures.forecast_method));
  const history = text(figures.history_days);
  add({
    key: 'forecast',
    label: label('rep.fig.forecast'),
    value: `${shown(figures.forecast_per_day)} ± ${shown(figures.forecast_std_per_day)}`,
    detail: history ? `${method} · ${t(lang, 'rep.fig.historyDays', { days: history })}` : method,
  });
  const kind = text(figures.service_kind);
  add({
    key: 'service_target',
    label: label('rep.fig.serviceTarget'),
    value: text(figures.service_target) ? `${percent(text(figures.service_target))}%` : BLANK,
    detail: kind ? codeLabel(lang, 'repService', kind) : undefined,
  });
  add({
    key: 'protection_days',
    label: label('rep.fig.protectionDays'),
    value: shown(figures.protection_days),
    detail: label('rep.fig.protectionDetail'),
  });
  add({
    key: 'demand_over_protection',
    label: label('rep.fig.demandOverProtection'),
    value: shown(figures.demand_over_protection),
    exact: exactIfRounded(figures.demand_over_protection),
    detail: t(lang, 'rep.fig.demandDetail', {
      perDay: shown(figures.forecast_per_day),
      days: shown(figures.protection_days),
    }),
  });
  add({
    key: 'safety_stock',
    label: label('rep.fig.safetyStock'),
    value: shown(figures.safety_stock),
    exact: exactIfRounded(figures.safety_stock),
  });
  add({
    key: 'reorder_point',
    label: label('rep.fig.reorderPoint'),
    value: shown(figures.reorder_point),
    exact: exactIfRounded(figures.reorder_point),
    detail: `${shown(figures.demand_over_protection)} + ${shown(figures.safety_stock)}`,
    emphasis: true,
  });
  add({
    key: 'order_up_to',
    label: label('rep.fig.orderUpTo'),
    value: shown(figures.order_up_to),
    exact: exactIfRounded(figures.order_up_to),
    detail: label('rep.fig.orderUpToDetail'),
  });
  add({
    key: 'position',
    label: label('rep.fig.position'),
    value: shown(figures.position),
    exact: exactIfRounded(figures.position),
    detail: t(lang, 'rep.fig.positionDetail', {
      onHand: shown(figures.on_hand),
      inTransit: shown(figures.in_transit),
      openOrders: shown(figures.open_orders),
      commitments: shown(figures.commitments),
    }),
    emphasis: true,
  });
  add({
    key: 'reserved',
    label: label('rep.fig.reserved'),
    value: shown(figures.reserved),
    detail: label('rep.fig.reservedDetail'),
  });
  add({ key: 'expected_date', label: label('rep.fig.expectedDate'), value: text(figures.expected_date)?.slice(0, 10) ?? BLANK });
  return rows;
}

// --- who may plan -------------------------------------------------------------------------------

/**
 * Roles of the default access policy (src/jxc/access/policy.toml) that read replenishment but may
 * not plan. The session knows roles, not actions: a user whose every role is one of these gets no
 * write buttons; any other role (the director's "*", a role added later) gets them, and the
 * server's answer — a 403 problem — is shown if it refuses after all.
 */
const READ_ONLY_ROLES: ReadonlySet<string> = new Set([
  'regional_manager',
  'warehouse_keeper',
  'store_clerk',
  'finance',
  'auditor',
  'device',
]);

export function mayPlan(roles: readonly string[] | null | undefined): boolean {
  if (!roles || roles.length === 0) return false;
  return roles.some((role) => !READ_ONLY_ROLES.has(role));
}

// --- approving ----------------------------------------------------------------------------------

export type QuantityProblem = 'required' | 'notNumber' | 'notPositive';

/** Why a quantity typed for approval cannot be sent, or null when it can. */
export function quantityProblem(value: string | null | undefined): QuantityProblem | null {
  const raw = (value ?? '').trim();
  if (raw === '') return 'required';
  if (plainDecimal(raw) === null) return 'notNumber';
  return isPositiveDecimal(raw) ? null : 'notPositive';
}

export type ApprovePlan = { ok: true; body: ApproveBody } | { ok: false; errors: Record<string, QuantityProblem> };

/**
 * The approve request for the selected suggestions: their ids in selection order and, only for
 * rows whose quantity was changed, the new quantity as an exact decimal string.
 */
export function approveBody(
  selected: readonly Pick<Suggestion, 'id' | 'quantity'>[],
  edits: Readonly<Record<string, string | undefined>> = {},
): ApprovePlan {
  const errors: Record<string, QuantityProblem> = {};
  const quantities: Record<string, string> = {};
  const ids: string[] = [];
  for (const row of selected) {
    if (ids.includes(row.id)) continue;
    ids.push(row.id);
    const edited = edits[row.id];
    if (edited === undefined) continue;
    const problem = quantityProblem(edited);
    if (problem) {
      errors[row.id] = problem;
      continue;
    }
    const plain = plainDecimal(edited.trim()) as string;
    if (!sameDecimal(plain, row.quantity)) quantities[row.id] = plain;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, body: Object.keys(quantities).length ? { ids, quantities } : { ids } };
}

// --- where the draft orders are -----------------------------------------------------------------

export interface OrderLink {
  number: string;
  /** The organisation the order belongs to; null when it could not be found (link to the list). */
  organisation: string | null;
}

/**
 * Each new purchase order's organisation: from the approved suggestions that name it (their
 * site's organisation), else from a documents listing, else unknown.
 */
export function orderLinks(
  numbers: readonly string[],
  approved: readonly Pick<Suggestion, 'purchase_order' | 'site'>[],
  siteOrganisations: Readonly<Record<string, string | null | undefined>>,
  documents: readonly { number: string; type: string; organisation: string; site?: string | null }[] = [],
): OrderLink[] {
  return numbers.map((number) => {
    const sources = approved.filter((row) => row.purchase_order === number);
    const fromSites = sources.map((row) => siteOrganisations[row.site]).find((org): org is string => !!org);
    if (fromSites) return { number, organisation: fromSites };
    const sites = new Set(sources.map((row) => row.site));
    const matches = documents.filter((doc) => doc.type === 'purchase_order' && doc.number === number);
    const best = matches.find((doc) => doc.site && sites.has(doc.site)) ?? matches[0];
    return { number, organisation: best?.organisation ?? null };
  });
}

// --- surge alerts -------------------------------------------------------------------------------

/** Sold today as a multiple of the expected day ("3.2" ×), or null without an expectation. */
export function surgeRatio(alert: Pick<SurgeAlert, 'sold_today' | 'actual' | 'expected' | 'expected_per_day'>): string | null {
  const sold = Number(alert.sold_today ?? alert.actual);
  const expected = Number(alert.expected_per_day ?? alert.expected);
  if (!Number.isFinite(sold) || !Number.isFinite(expected) || expected <= 0) return null;
  return roundDecimal((sold / expected).toFixed(6), 1);
}
