import { describe, expect, it } from 'vitest';
import { ApiError, createApi } from '../api';
import { createSession, memoryStore } from '../session';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function harness(status: number, reply: unknown) {
  const calls: Call[] = [];
  const shown: string[] = [];
  const session = createSession(memoryStore());
  session.save({
    access_token: 'a',
    refresh_token: 'r',
    token_type: 'bearer',
    expires_in: 900,
    user: { username: 'director', display_name: '采购总监', roles: ['purchasing_director'], lang: 'zh-CN' },
  });
  const api = createApi({
    fetch: async (url, init) => {
      calls.push({
        url,
        method: init.method ?? 'GET',
        headers: init.headers as Record<string, string>,
        body: init.body ? JSON.parse(init.body as string) : undefined,
      });
      return new Response(JSON.stringify(reply), { status, headers: { 'Content-Type': 'application/json' } });
    },
    session,
    lang: () => 'zh-CN',
    notify: (text) => void shown.push(text),
    onSessionEnded: () => undefined,
    newKey: () => 'key-1',
    base: '/api/v1',
  });
  return { api, calls, shown };
}

describe('the replenishment calls', () => {
  it('list suggestions by status and read the demand history by day', async () => {
    const { api, calls } = harness(200, { suggestions: [] });
    await api.listSuggestions('approved');
    await api.demandHistory('SKU 1', 'ST-SH-01');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /api/v1/replenishment/suggestions?status=approved&limit=200',
      'GET /api/v1/signals/demand?sku=SKU+1&site=ST-SH-01&by=day',
    ]);
  });

  it('approve with the exact quantities and an idempotency key the dialog keeps for a retry', async () => {
    const { api, calls } = harness(200, { purchase_orders: ['PO-2026-000001'] });
    const answer = await api.approveSuggestions({ ids: ['s1'], quantities: { s1: '240.5' } }, 'dialog-key');
    expect(answer.purchase_orders).toEqual(['PO-2026-000001']);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/replenishment/suggestions/approve',
      body: { ids: ['s1'], quantities: { s1: '240.5' } },
    });
    expect(calls[0]?.headers['Idempotency-Key']).toBe('dialog-key');
  });

  it('leave a refused write to the page: a quiet ApiError with the problem, no message', async () => {
    const { api, shown } = harness(403, {
      type: 'https://jxc.dev/problems/access.forbidden',
      title: 'Forbidden',
      status: 403,
      code: 'access.forbidden',
    });
    const error = await api.replan().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).problem.code).toBe('access.forbidden');
    expect(shown).toEqual([]);
  });
});
