import { describe, expect, it } from 'vitest';
import { createApi } from '../api';
import {
  backtestQuery,
  decodeCsv,
  formatRate,
  headline,
  metricRows,
  seriesChartOption,
  shownColumns,
  type BacktestPolicy,
  type BacktestResult,
} from '../backtest';
import { t as translate } from '../i18n';
import { replenishmentEn, replenishmentZh } from '../i18nReplenishment';
import { createSession, memoryStore } from '../session';

const en = (key: string, params?: Record<string, string | number>) => translate('en', key as never, params);

function policy(label: string, fill: number, value: number): BacktestPolicy {
  return {
    label,
    review_days: label === 'dynamic' ? 1 : 7,
    fill_rate: fill,
    fill_rate_by_class: { A: fill, B: 0.97, C: 0.9 },
    avg_inventory_value: value,
    turnover_per_year: 12.345,
    stockout_days: 1234,
    stockout_day_share: 0.0512,
    holding_cost_share_of_margin: label === 'static' ? null : 0.0825,
    orders_placed: 4321,
  };
}

function result(reduction: number | null = 0.3123): BacktestResult {
  return {
    source: 'upload',
    config: { targets: { A: 0.992, B: 0.98, C: 0.95 } },
    item_sites: 5,
    skipped: [],
    policies: {
      dynamic: policy('dynamic', 0.99234, 1000.5),
      static: policy('static', 0.95, 1200),
      static_matched_fill: policy('static_matched_fill', 0.9923, 1454.55),
      static_matched_inventory: policy('static_matched_inventory', 0.9, 1000.5),
    },
    comparison: { target_fill_rate: 0.9876, inventory_reduction_at_matched_fill: reduction, match_scope: 'class' },
    series: {
      dates: ['2024-04-01', '2024-04-02'],
      titles: {},
      policies: { dynamic: { value: [10, 12.5], fill: [null, 0.98765] }, static: { value: [20, 21], fill: [1, 0.5] } },
      top_item: { item: 'A', site: 'S', class: 'A', dates: [], demand: [], on_hand: {} },
    },
  };
}

describe('backtest mapping', () => {
  it('formats rates and leaves blanks blank', () => {
    expect(formatRate(0.99234)).toBe('99.23%');
    expect(formatRate(0.5, 1)).toBe('50.0%');
    expect(formatRate(null)).toBe('—');
    expect(formatRate(Number.NaN)).toBe('—');
  });

  it('sends only the options given', () => {
    expect(backtestQuery({ targets: ' A=0.99, B=0.98 ', review_days: 2, seed: null, static_buffer_days: undefined })).toEqual({
      targets: 'A=0.99,B=0.98',
      review_days: 2,
    });
    expect(backtestQuery({ targets: '  ', seed: 0 })).toEqual({ seed: 0 });
  });

  it('builds the side-by-side table of dynamic, static and static at the same fill rate', () => {
    const r = result();
    expect(shownColumns(r)).toEqual(['dynamic', 'static', 'static_matched_fill']);
    const rows = metricRows(r, en);
    expect(rows.map((row) => row.key)).toEqual([
      'fill_rate',
      'fill_rate_A',
      'fill_rate_B',
      'fill_rate_C',
      'avg_inventory_value',
      'turnover_per_year',
      'stockout_days',
      'holding_cost_share_of_margin',
      'orders_placed',
    ]);
    const byKey = Object.fromEntries(rows.map((row) => [row.key, row]));
    expect(byKey.fill_rate?.values).toEqual({ dynamic: '99.23%', static: '95.00%', static_matched_fill: '99.23%' });
    expect(byKey.fill_rate_A?.label).toBe('Class A (target 99.2%)');
    expect(byKey.fill_rate_A?.sub).toBe(true);
    expect(byKey.avg_inventory_value?.values.static_matched_fill).toBe('1,454.55');
    expect(byKey.avg_inventory_value?.values.dynamic).toBe('1,000.50');
    expect(byKey.turnover_per_year?.values.dynamic).toBe('12.3');
    expect(byKey.stockout_days?.values.dynamic).toBe('1,234 (5.1%)');
    expect(byKey.holding_cost_share_of_margin?.values).toMatchObject({ dynamic: '8.25%', static: '—' });
    expect(byKey.orders_placed?.values.static).toBe('4,321');
  });

  it('states the headline reduction, or a blank without the matched run', () => {
    expect(headline(result())).toEqual({
      reduction: '31.2%',
      better: true,
      scope: 'class',
      target: '98.76%',
      dynamicFill: '99.23%',
    });
    expect(headline(result(-0.05)).better).toBe(false);
    expect(headline(result(null))).toMatchObject({ reduction: '—', better: null });
  });

  it('charts inventory value and the rolling fill rate in percent per policy', () => {
    const option = seriesChartOption(result(), en) as { xAxis: { data: string[] }; series: { name: string; yAxisIndex: number; data: unknown[] }[] };
    expect(option.xAxis.data).toEqual(['2024-04-01', '2024-04-02']);
    expect(option.series.map((s) => s.name)).toEqual([
      'Dynamic (jxc) · Inventory value (at cost)',
      'Dynamic (jxc) · Fill rate, rolling 28 days',
      'Static · Inventory value (at cost)',
      'Static · Fill rate, rolling 28 days',
    ]);
    expect(option.series[1]).toMatchObject({ yAxisIndex: 1, data: [null, 98.77] });
    expect(option.series[2]?.data).toEqual([20, 21]);
  });

  it('reads UTF-8 (with BOM) and GB18030 files', () => {
    const utf8 = new TextEncoder().encode('\ufeffdate,item\n2024-01-01,牛奶\n');
    expect(decodeCsv(utf8)).toBe('date,item\n2024-01-01,牛奶\n');
    const gb = new Uint8Array([0x71, 0x74, 0x79, 0x2c, 0xc5, 0xa3, 0xc4, 0xcc]); // "qty,牛奶"
    expect(decodeCsv(gb)).toBe('qty,牛奶');
  });

  it('has every backtest string in both languages', () => {
    const keys = Object.keys(replenishmentEn).filter((k) => k.startsWith('bt.'));
    expect(keys.length).toBeGreaterThan(20);
    for (const key of keys) expect(replenishmentZh[key as keyof typeof replenishmentZh]).toBeTruthy();
  });
});

describe('the backtest calls', () => {
  it('posts the CSV as text/csv with the options as the query, and reads the sample as text', async () => {
    const calls: { url: string; method: string; headers: Record<string, string>; body: unknown }[] = [];
    const session = createSession(memoryStore());
    const api = createApi({
      fetch: async (url, init) => {
        calls.push({ url, method: init.method ?? 'GET', headers: init.headers as Record<string, string>, body: init.body });
        const csv = url.endsWith('.csv');
        return new Response(csv ? 'date,item,site,qty\n' : JSON.stringify(result()), {
          status: 200,
          headers: { 'Content-Type': csv ? 'text/csv' : 'application/json' },
        });
      },
      session,
      lang: () => 'en',
      notify: () => undefined,
      onSessionEnded: () => undefined,
      newKey: () => 'key-1',
      base: '/api/v1',
    });
    expect(await api.backtestSample()).toBe('date,item,site,qty\n');
    const answer = await api.runBacktest('date,item,site,qty\n2024-01-01,A,S,1\n', { targets: 'A=0.99', seed: 3 });
    expect(answer.item_sites).toBe(5);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /api/v1/replenishment/backtests/sample.csv',
      'POST /api/v1/replenishment/backtests?targets=A%3D0.99&seed=3',
    ]);
    expect(calls[1]?.headers['Content-Type']).toBe('text/csv; charset=utf-8');
    expect(calls[1]?.body).toBe('date,item,site,qty\n2024-01-01,A,S,1\n');
  });
});
