import { describe, expect, it } from 'vitest';
import { ApiError, buildUrl, createApi, newIdempotencyKey } from '../api';
import type { Lang } from '../i18n';
import { createSession, memoryStore } from '../session';
import type { TokenResponse } from '../types';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

type Reply = { status: number; body?: unknown };

/** A scripted server: each handler answers one request, in order; every request is recorded. */
function harness(replies: ((call: Call) => Reply)[], lang: Lang = 'zh-CN') {
  const calls: Call[] = [];
  const shown: string[] = [];
  let ended = 0;
  const session = createSession(memoryStore());
  let keys = 0;
  const api = createApi({
    fetch: async (url, init) => {
      const call: Call = {
        url,
        method: init.method ?? 'GET',
        headers: init.headers as Record<string, string>,
        body: init.body ? JSON.parse(init.body as string) : undefined,
      };
      calls.push(call);
      const reply = replies.shift();
      if (!reply) throw new Error(`unexpected request ${url}`);
      const { status, body } = reply(call);
      const type = status >= 400 ? 'application/problem+json' : 'application/json';
      return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': type } });
    },
    session,
    lang: () => lang,
    notify: (text) => void shown.push(text),
    onSessionEnded: () => void (ended += 1),
    newKey: () => `key-${(keys += 1)}`,
    base: '/api/v1',
  });
  return { api, calls, shown, session, ended: () => ended };
}

const tokens = (access: string): TokenResponse => ({
  access_token: access,
  refresh_token: `r-${access}`,
  token_type: 'bearer',
  expires_in: 900,
  user: { username: 'wang', display_name: '王经理', roles: ['purchasing_director'], lang: 'zh-CN' },
});

const problem = (status: number, code: string) => ({
  type: `https://jxc.dev/problems/${code}`,
  title: code,
  status,
  code,
  messages: { 'zh-CN': '中文消息', en: 'English message' },
});

describe('the API client', () => {
  it('logs in, then sends the Bearer token and the language', async () => {
    const h = harness([() => ({ status: 200, body: tokens('a1') }), () => ({ status: 200, body: { items: [], next: null } })]);
    await h.api.login('wang', 'secret');
    await h.api.listItems({ q: '柠檬', limit: 50 });
    expect(h.calls[0]?.headers.Authorization).toBeUndefined();
    expect(h.calls[1]?.url).toBe('/api/v1/items?q=%E6%9F%A0%E6%AA%AC&limit=50');
    expect(h.calls[1]?.headers.Authorization).toBe('Bearer a1');
    expect(h.calls[1]?.headers['Accept-Language']).toBe('zh-CN');
  });

  it('puts an Idempotency-Key on POSTs only', async () => {
    const h = harness([() => ({ status: 200, body: tokens('a1') }), () => ({ status: 200, body: { sku: 'X' } })]);
    await h.api.login('wang', 'secret');
    await h.api.getItem('X');
    expect(h.calls[0]?.headers['Idempotency-Key']).toBe('key-1');
    expect(h.calls[1]?.headers['Idempotency-Key']).toBeUndefined();
  });

  it('refreshes once on 401 and retries with the new token and the same key', async () => {
    const h = harness([
      () => ({ status: 401, body: problem(401, 'auth.expired') }),
      () => ({ status: 200, body: tokens('a2') }),
      () => ({ status: 201, body: { id: 'p1' } }),
    ]);
    h.session.save(tokens('a1'));
    await h.api.request('POST', '/movements', { body: { lines: [] } });
    expect(h.calls.map((c) => c.url)).toEqual(['/api/v1/movements', '/api/v1/auth/refresh', '/api/v1/movements']);
    expect(h.calls[1]?.body).toEqual({ refresh_token: 'r-a1' });
    expect(h.calls[2]?.headers.Authorization).toBe('Bearer a2');
    expect(h.calls[2]?.headers['Idempotency-Key']).toBe(h.calls[0]?.headers['Idempotency-Key']);
    expect(h.shown).toEqual([]);
  });

  it('ends the session when the refresh fails', async () => {
    const h = harness([
      () => ({ status: 401, body: problem(401, 'auth.expired') }),
      () => ({ status: 401, body: problem(401, 'auth.refresh_invalid') }),
    ]);
    h.session.save(tokens('a1'));
    await expect(h.api.getItem('X')).rejects.toBeInstanceOf(ApiError);
    expect(h.ended()).toBe(1);
    expect(h.session.accessToken()).toBeNull();
    expect(h.shown).toEqual(['登录已过期,请重新登录']);
  });

  it('shows a problem in the console language and throws it', async () => {
    const h = harness([() => ({ status: 409, body: problem(409, 'stock.insufficient') })], 'en');
    h.session.save(tokens('a1'));
    const error = await h.api.getItem('X').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).problem.code).toBe('stock.insufficient');
    expect(h.shown).toEqual(['English message']);
  });

  it('reports an unreachable server as a network problem', async () => {
    const h = harness([
      () => {
        throw new TypeError('fetch failed');
      },
    ]);
    await expect(h.api.stockOverview('site')).rejects.toMatchObject({ problem: { code: 'network' } });
    expect(h.shown).toEqual(['网络错误:无法连接服务器']);
  });
});

describe('documents, approvals and vouchers', () => {
  it('submits with a fresh Idempotency-Key per call and no body', async () => {
    const h = harness([() => ({ status: 200, body: { number: 'PO-1' } }), () => ({ status: 200, body: { number: 'PO-1' } })]);
    h.session.save(tokens('a1'));
    await h.api.submitDocument('XD-EC', 'PO-2026-000001');
    await h.api.submitDocument('XD-EC', 'PO-2026-000001');
    expect(h.calls[0]?.url).toBe('/api/v1/documents/XD-EC/PO-2026-000001/submit');
    expect(h.calls[0]?.method).toBe('POST');
    expect(h.calls[0]?.body).toBeUndefined();
    expect(h.calls.map((c) => c.headers['Idempotency-Key'])).toEqual(['key-1', 'key-2']);
  });

  it('sends approve with a null reason and reject with the reason', async () => {
    const h = harness([() => ({ status: 200, body: {} }), () => ({ status: 200, body: {} })]);
    h.session.save(tokens('a1'));
    await h.api.decide('r-1', 'approve');
    await h.api.decide('r-1', 'reject', '价格过高');
    expect(h.calls.map((c) => [c.url, c.body])).toEqual([
      ['/api/v1/approvals/r-1/approve', { reason: null }],
      ['/api/v1/approvals/r-1/reject', { reason: '价格过高' }],
    ]);
  });

  it('creates a purchase order with the caller\'s key and leaves its problems to the form', async () => {
    const h = harness([() => ({ status: 404, body: { ...problem(404, 'item.not_found'), field: 'lines[0].sku' } })]);
    h.session.save(tokens('a1'));
    const body = { organisation: 'XD-EC', supplier: 'SUP-1', site: 'WH-SH', lines: [] };
    const error = await h.api.createPurchaseOrder(body, 'form-key').catch((e: unknown) => e);
    expect((error as ApiError).problem.field).toBe('lines[0].sku');
    expect(h.calls[0]?.headers['Idempotency-Key']).toBe('form-key');
    expect(h.shown).toEqual([]);
  });

  it('posts a step and new sales and transfer orders with the form\'s key, leaving problems to the form', async () => {
    const h = harness([
      () => ({ status: 201, body: { organisation: 'XD-EC', number: 'GR-2026-000009' } }),
      () => ({ status: 422, body: { ...problem(422, 'receipt.over_tolerance'), field: 'lines[0].quantity' } }),
      () => ({ status: 201, body: { organisation: 'XD-EC', number: 'SO-2026-000003' } }),
      () => ({ status: 201, body: { organisation: 'XD-EC', number: 'TO-2026-000002' } }),
    ]);
    h.session.save(tokens('a1'));
    const lines = { lines: [{ po_line: 1, quantity: '10' }] };
    const created = await h.api.executeStep('/purchase-orders/XD-EC/PO-1/receipts', lines, 'step-key');
    expect(created.number).toBe('GR-2026-000009');
    const error = await h.api.executeStep('/purchase-orders/XD-EC/PO-1/receipts', lines, 'step-key-2').catch((e: unknown) => e);
    expect((error as ApiError).problem.field).toBe('lines[0].quantity');
    await h.api.createSalesOrder({ organisation: 'XD-EC', site: 'WH-SH', customer: null, channel: 'b2b', lines: [] }, 'so-key');
    await h.api.createTransferOrder({ from_site: 'WH-SH', to_site: 'ST-SH-01', same_lot: false, lines: [] }, 'to-key');
    expect(h.calls.map((c) => [c.method, c.url, c.headers['Idempotency-Key']])).toEqual([
      ['POST', '/api/v1/purchase-orders/XD-EC/PO-1/receipts', 'step-key'],
      ['POST', '/api/v1/purchase-orders/XD-EC/PO-1/receipts', 'step-key-2'],
      ['POST', '/api/v1/sales-orders', 'so-key'],
      ['POST', '/api/v1/transfer-orders', 'to-key'],
    ]);
    expect(h.calls[0]?.body).toEqual(lines);
    expect(h.shown).toEqual([]);
  });

  it('reads an item quietly only when asked to', async () => {
    const h = harness([
      () => ({ status: 404, body: problem(404, 'item.not_found') }),
      () => ({ status: 404, body: problem(404, 'item.not_found') }),
    ]);
    h.session.save(tokens('a1'));
    await expect(h.api.getItem('NOPE', undefined, true)).rejects.toBeInstanceOf(ApiError);
    expect(h.shown).toEqual([]);
    await expect(h.api.getItem('NOPE')).rejects.toBeInstanceOf(ApiError);
    expect(h.shown).toEqual(['中文消息']);
  });

  it('reads the inbox and vouchers quietly (a 403 is the page\'s to show)', async () => {
    const h = harness([
      () => ({ status: 403, body: problem(403, 'access.denied') }),
      () => ({ status: 403, body: problem(403, 'access.denied') }),
    ]);
    h.session.save(tokens('a1'));
    await expect(h.api.approvalInbox()).rejects.toMatchObject({ problem: { status: 403 } });
    await expect(h.api.listVouchers({ organisation: 'XD-EC', after: null })).rejects.toBeInstanceOf(ApiError);
    expect(h.calls[1]?.url).toBe('/api/v1/vouchers?organisation=XD-EC');
    expect(h.shown).toEqual([]);
  });

  it('downloads an export as a blob with the token and the server\'s file name', async () => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const session = createSession(memoryStore());
    session.save(tokens('a1'));
    const api = createApi({
      fetch: async (url, init) => {
        calls.push({ url, headers: init.headers as Record<string, string> });
        return new Response(new Uint8Array([80, 75, 3, 4]), {
          status: 200,
          headers: { 'Content-Disposition': 'attachment; filename="jxc-vouchers.xlsx"' },
        });
      },
      session,
      lang: () => 'zh-CN',
      notify: () => undefined,
      onSessionEnded: () => undefined,
      newKey: () => 'k',
      base: '/api/v1',
    });
    const { blob, disposition } = await api.exportVouchers({ organisation: 'XD-EC', format: 'xlsx' });
    expect(calls[0]?.url).toBe('/api/v1/exports/vouchers?organisation=XD-EC&format=xlsx');
    expect(calls[0]?.headers.Authorization).toBe('Bearer a1');
    expect(blob.size).toBe(4);
    expect(disposition).toBe('attachment; filename="jxc-vouchers.xlsx"');
  });
});

describe('helpers', () => {
  it('builds URLs without empty parameters', () => {
    expect(buildUrl('/api/v1', '/items', { after: null, q: '', limit: 50 })).toBe('/api/v1/items?limit=50');
  });

  it('makes distinct UUID-shaped idempotency keys', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newIdempotencyKey()).not.toBe(a);
  });
});
