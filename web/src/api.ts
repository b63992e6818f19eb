/**
 * The console's HTTP client for the jxc API v1 (docs/api.md).
 *
 * - every call goes to `/api/v1` with `Accept-Language` and, when signed in, a Bearer token;
 * - every POST carries an `Idempotency-Key` (kept across the retry after a token refresh);
 * - a 401 triggers one `/auth/refresh` (shared by concurrent calls) and one retry; if that
 *   fails too the session is cleared and `onSessionEnded` runs;
 * - an error response is parsed as RFC 9457 problem details, shown through `notify` in the
 *   console's language, and thrown as `ApiError`.
 * Everything it touches (fetch, storage, notifications) is injected, so tests need no browser.
 */
import { t, type Lang } from './i18n';
import { parseProblem, problemMessage, type Problem } from './problem';
import { browserStore, createSession, loadLang, type KeyValueStore, type Session } from './session';
import type {
  Approval,
  DocumentDetail,
  DocumentPage,
  Inbox,
  Organisation,
  PurchaseOrderCreate,
  Site,
  VoucherPage,
} from './documentTypes';
import type { SalesOrderCreate, TransferOrderCreate } from './documentForms';
import type { AtpReport, AtpRollUp, Item, ItemPage, MovementPage, StockOverview, TokenResponse } from './types';
import type {
  AlertPage,
  ApproveBody,
  Approved,
  DemandHistory,
  StoredForecast,
  RunReport,
  SuggestionPage,
  SuggestionStatus,
} from './replenishment';
import { backtestQuery, type BacktestOptions, type BacktestResult } from './backtest';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }
}

export interface ApiDeps {
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  session: Session;
  lang: () => Lang;
  notify: (text: string, problem: Problem) => void;
  onSessionEnded: () => void;
  newKey: () => string;
  base: string;
}

export type DocumentQuery = {
  type?: string | null;
  status?: string | null;
  organisation?: string | null;
  after?: string | null;
  limit?: number;
};

export type VoucherQuery = {
  organisation: string;
  since?: string | null;
  until?: string | null;
  document?: string | null;
  after?: string | null;
  limit?: number;
};

type Query = Readonly<Record<string, string | number | null | undefined>>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** A CSV file as the body (text/csv) instead of JSON. */
  csv?: string;
  signal?: AbortSignal;
  /** Reuse a key to retry the same write safely; a fresh one is made otherwise. */
  idempotencyKey?: string;
  /** Do not show errors to the user (the caller handles them). */
  quiet?: boolean;
  /** False for the auth endpoints themselves: no token, no refresh. */
  auth?: boolean;
}

/** A random UUID v4; `crypto.randomUUID` needs a secure context, `getRandomValues` does not. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function buildUrl(base: string, path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${base}${path}${search ? `?${search}` : ''}`;
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export function createApi(deps: ApiDeps) {
  let refreshing: Promise<boolean> | null = null;

  async function send(method: string, path: string, opts: RequestOptions, key: string | undefined) {
    const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': deps.lang() };
    const token = opts.auth === false ? null : deps.session.accessToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (key) headers['Idempotency-Key'] = key;
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.csv !== undefined) headers['Content-Type'] = 'text/csv; charset=utf-8';
    const response = await deps.fetch(buildUrl(deps.base, path, opts.query), {
      method,
      headers,
      body: opts.csv ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      signal: opts.signal,
    });
    return { response, token };
  }

  async function doRefresh(): Promise<boolean> {
    const refreshToken = deps.session.refreshToken();
    if (!refreshToken) return false;
    try {
      const tokens = await request<TokenResponse>('POST', '/auth/refresh', {
        body: { refresh_token: refreshToken },
        auth: false,
        quiet: true,
      });
      deps.session.save(tokens);
      return true;
    } catch {
      return false;
    }
  }

  /** One refresh at a time; callers that hit 401 together share it. */
  function refreshOnce(): Promise<boolean> {
    refreshing ??= doRefresh().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  function fail(problem: Problem, quiet: boolean | undefined): never {
    if (!quiet) deps.notify(problemMessage(problem, deps.lang()), problem);
    throw new ApiError(problem);
  }

  /** One call with the token, the refresh-and-retry on 401 and problems for failures; an OK response back. */
  async function exchange(method: string, path: string, opts: RequestOptions): Promise<Response> {
    const key = method === 'POST' ? (opts.idempotencyKey ?? deps.newKey()) : undefined;
    let result: Awaited<ReturnType<typeof send>>;
    try {
      result = await send(method, path, opts, key);
      if (result.response.status === 401 && opts.auth !== false && result.token) {
        // Another call may already have refreshed: then just retry with the new token.
        const renewed = deps.session.accessToken() !== result.token || (await refreshOnce());
        if (renewed) result = await send(method, path, opts, key);
      }
    } catch (error) {
      if (isAbort(error)) throw error;
      const lang = deps.lang();
      const title = t(lang, 'error.network');
      return fail({ type: 'about:blank', title, status: 0, code: 'network', messages: { [lang]: title } }, opts.quiet);
    }
    const { response } = result;
    if (response.status === 401 && opts.auth !== false) {
      const body = await response.text();
      deps.session.clear();
      deps.onSessionEnded();
      const lang = deps.lang();
      const title = t(lang, 'error.sessionExpired');
      return fail({ ...parseProblem(401, body), messages: { [lang]: title } }, opts.quiet);
    }
    if (!response.ok) return fail(parseProblem(response.status, await response.text()), opts.quiet);
    return response;
  }

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const response = await exchange(method, path, opts);
    const body = response.status === 204 ? '' : await response.text();
    return (body ? JSON.parse(body) : undefined) as T;
  }

  /** A file download (an export): the body as a blob and the server's file name. */
  async function download(path: string, opts: RequestOptions = {}): Promise<{ blob: Blob; disposition: string | null }> {
    const response = await exchange('GET', path, opts);
    return { blob: await response.blob(), disposition: response.headers.get('Content-Disposition') };
  }

  const path = encodeURIComponent;

  return {
    request,
    download,
    session: deps.session,
    async login(username: string, password: string): Promise<TokenResponse> {
      const tokens = await request<TokenResponse>('POST', '/auth/login', { body: { username, password }, auth: false });
      deps.session.save(tokens);
      return tokens;
    },
    logout(): void {
      deps.session.clear();
    },
    listItems(query: { after?: string | null; limit?: number; q?: string; category?: string }, signal?: AbortSignal) {
      return request<ItemPage>('GET', '/items', { query, signal });
    },
    /** Quiet: a caller that can live without the item (a form's default) handles the failure. */
    getItem(sku: string, signal?: AbortSignal, quiet = false) {
      return request<Item>('GET', `/items/${path(sku)}`, { signal, quiet });
    },
    getAtp(sku: string, by: AtpRollUp, signal?: AbortSignal) {
      return request<AtpReport>('GET', `/items/${path(sku)}/atp`, { query: { by }, signal });
    },
    getMovements(sku: string, query: { before?: string | null; limit?: number }, signal?: AbortSignal) {
      return request<MovementPage>('GET', `/items/${path(sku)}/movements`, { query, signal });
    },
    stockOverview(by: 'site' | 'state', signal?: AbortSignal) {
      return request<StockOverview>('GET', '/stock/overview', { query: { by }, signal });
    },
    listOrganisations(signal?: AbortSignal) {
      return request<{ organisations: Organisation[] }>('GET', '/organisations', { signal });
    },
    listSites(org: string | null, signal?: AbortSignal) {
      return request<{ sites: Site[] }>('GET', '/sites', { query: { org }, signal });
    },
    listDocuments(query: DocumentQuery, signal?: AbortSignal) {
      return request<DocumentPage>('GET', '/documents', { query, signal });
    },
    getDocument(org: string, number: string, signal?: AbortSignal) {
      return request<DocumentDetail>('GET', `/documents/${path(org)}/${path(number)}`, { signal });
    },
    /** Submit a draft for approval (a fresh Idempotency-Key per click). */
    submitDocument(org: string, number: string) {
      return request<DocumentDetail>('POST', `/documents/${path(org)}/${path(number)}/submit`);
    },
    /** Problems come back to the form (shown at the field they name), not as a message. */
    createPurchaseOrder(body: PurchaseOrderCreate, idempotencyKey?: string) {
      return request<DocumentDetail>('POST', '/purchase-orders', { body, idempotencyKey, quiet: true });
    },
    createSalesOrder(body: SalesOrderCreate, idempotencyKey?: string) {
      return request<DocumentDetail>('POST', '/sales-orders', { body, idempotencyKey, quiet: true });
    },
    createTransferOrder(body: TransferOrderCreate, idempotencyKey?: string) {
      return request<DocumentDetail>('POST', '/transfer-orders', { body, idempotencyKey, quiet: true });
    },
    /**
     * One step of an approved document (`endpoint` from `executeSpec`: receive, ship, inspect,
     * return …); the answer is the detail of the document it created (or of the transfer itself).
     * Quiet: problems go back to the form, at the line they name.
     */
    executeStep(endpoint: string, body: unknown, idempotencyKey?: string) {
      return request<DocumentDetail>('POST', endpoint, { body, idempotencyKey, quiet: true });
    },
    /** Quiet: a role without approval.decide gets 403, which the caller shows its own way. */
    approvalInbox(signal?: AbortSignal) {
      return request<Inbox>('GET', '/approvals/inbox', { signal, quiet: true });
    },
    decide(requestId: string, decision: 'approve' | 'reject', reason: string | null = null) {
      return request<Approval>('POST', `/approvals/${path(requestId)}/${decision}`, { body: { reason } });
    },
    /** Quiet: a role without voucher.read gets 403, which the page shows as "no permission". */
    listVouchers(query: VoucherQuery, signal?: AbortSignal) {
      return request<VoucherPage>('GET', '/vouchers', { query, signal, quiet: true });
    },
    exportVouchers(query: { organisation: string; format: 'csv' | 'xlsx'; since?: string; until?: string }) {
      return download('/exports/vouchers', { query });
    },
    /** Quiet: a role without replenishment.read gets 403, which the page shows as "no permission". */
    listSuggestions(status: SuggestionStatus, signal?: AbortSignal, limit = 200) {
      return request<SuggestionPage>('GET', '/replenishment/suggestions', { query: { status, limit }, signal, quiet: true });
    },
    /** Quiet: a surge panel that cannot load shows its own problem. */
    listSurgeAlerts(signal?: AbortSignal) {
      return request<AlertPage>('GET', '/replenishment/alerts', { signal, quiet: true });
    },
    /** Writes are quiet: the page shows the problem (a 403 for a role without replenishment.plan) in place. */
    replan(body: { sites?: string[]; skus?: string[] } = {}) {
      return request<RunReport>('POST', '/replenishment/runs', { body, quiet: true });
    },
    approveSuggestions(body: ApproveBody, idempotencyKey?: string) {
      return request<Approved>('POST', '/replenishment/suggestions/approve', { body, idempotencyKey, quiet: true });
    },
    dismissSuggestions(ids: string[]) {
      return request<SuggestionPage>('POST', '/replenishment/suggestions/dismiss', { body: { ids }, quiet: true });
    },
    /** Quiet: the chart says so itself when the history cannot be read. */
    forecast(sku: string, site: string, signal?: AbortSignal) {
      return request<StoredForecast>('GET', `/forecasts/${encodeURIComponent(sku)}/${encodeURIComponent(site)}`, {
        signal,
        quiet: true,
      });
    },
    demandHistory(sku: string, site: string, signal?: AbortSignal, by: 'day' | 'hour' = 'day') {
      return request<DemandHistory>('GET', '/signals/demand', { query: { sku, site, by }, signal, quiet: true });
    },
    /** The backtest (补货回测) of a demand CSV; quiet: the page shows a bad file's problem in place. */
    runBacktest(csvText: string, options: BacktestOptions = {}, signal?: AbortSignal) {
      return request<BacktestResult>('POST', '/replenishment/backtests', {
        csv: csvText,
        query: backtestQuery(options),
        signal,
        quiet: true,
      });
    },
    /** The demo demand history to try the backtest with (CSV text). */
    async backtestSample(signal?: AbortSignal): Promise<string> {
      const { blob } = await download('/replenishment/backtests/sample.csv', { signal, quiet: true });
      return blob.text();
    },
  };
}

export type Api = ReturnType<typeof createApi>;

/** Reads the browser's storage on each call, so nothing is touched at import time. */
const lazyBrowserStore: KeyValueStore = {
  getItem: (key) => browserStore().getItem(key),
  setItem: (key, value) => browserStore().setItem(key, value),
  removeItem: (key) => browserStore().removeItem(key),
};

/** Hooks the UI plugs in once it is mounted (message display, redirect to login). */
export const apiHandlers: Pick<ApiDeps, 'notify' | 'onSessionEnded'> = {
  notify: (text) => console.error(text),
  onSessionEnded: () => undefined,
};

export const api: Api = createApi({
  fetch: (input, init) => globalThis.fetch(input, init),
  session: createSession(lazyBrowserStore),
  lang: () => loadLang(),
  notify: (text, problem) => apiHandlers.notify(text, problem),
  onSessionEnded: () => apiHandlers.onSessionEnded(),
  newKey: newIdempotencyKey,
  base: API_BASE,
});
