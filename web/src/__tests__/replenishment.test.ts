import { describe, expect, it } from 'vitest';
import {
  forecastPoints,
  approveBody,
  figureRows,
  forecastMethodLabel,
  kindColor,
  mayPlan,
  orderLinks,
  percent,
  positionFromParts,
  quantityProblem,
  reasonColor,
  reasonLabel,
  REASONS,
  roundDecimal,
  shortfall,
  surgeRatio,
  type SuggestionFigures,
} from '../replenishment';

/** What the API sends for a store selling ~43 a day (src/jxc/replenishment/services.py `_figures`). */
const figures: SuggestionFigures = {
  forecast_per_day: '43.428571',
  forecast_std_per_day: '5.520524',
  forecast_method: 'recent_28d',
  history_days: 28,
  service_target: '0.992',
  service_kind: 'fill_rate',
  protection_days: '4',
  demand_over_protection: '173.714284',
  safety_stock: '91.131696',
  reorder_point: '264.845980',
  order_up_to: '308.274551',
  position: '95',
  on_hand: '100',
  in_transit: '12',
  reserved: '7',
  open_orders: '3',
  commitments: '20',
  expected_date: '2026-12-04',
};

describe('roundDecimal and percent', () => {
  it('rounds half away from zero on the digits, dropping trailing zeros', () => {
    expect(roundDecimal('43.428571')).toBe('43.43');
    expect(roundDecimal('264.845980')).toBe('264.85');
    expect(roundDecimal('0.005')).toBe('0.01');
    expect(roundDecimal('-2.675')).toBe('-2.68');
    expect(roundDecimal('99.995')).toBe('100');
    expect(roundDecimal('4')).toBe('4');
    expect(roundDecimal('1.10')).toBe('1.1');
    expect(roundDecimal('1E+1')).toBe('10');
    expect(roundDecimal('12345678901234567890.125', 2)).toBe('12345678901234567890.13');
    expect(roundDecimal('0.9133', 3)).toBe('0.913');
    expect(roundDecimal('-0.001')).toBe('0');
  });

  it('leaves masked, blank and non-numeric values alone', () => {
    expect(roundDecimal('***')).toBe('***');
    expect(roundDecimal(null)).toBe('—');
    expect(roundDecimal('abc')).toBe('abc');
  });

  it('turns shares into exact percentages', () => {
    expect(percent('0.992')).toBe('99.2');
    expect(percent('0.95')).toBe('95');
    expect(percent('1')).toBe('100');
    expect(percent(null)).toBe('—');
  });
});

describe('labels', () => {
  it('translates every reason code the planner sends', () => {
    expect(reasonLabel('zh-CN', 'below_reorder_point')).toBe('低于再订货点');
    expect(reasonLabel('zh-CN', 'rounded_to_pack')).toBe('已按包装取整');
    expect(reasonLabel('zh-CN', 'raised_to_moq')).toBe('已提至最小起订量');
    expect(reasonLabel('zh-CN', 'capped_by_shelf_life')).toBe('受保质期限制');
    expect(reasonLabel('zh-CN', 'capped_by_budget')).toBe('受预算限制');
    expect(reasonLabel('en', 'above_reorder_point')).toBe('Above reorder point');
    for (const code of REASONS) {
      expect(reasonLabel('zh-CN', code)).not.toBe(code);
      expect(reasonLabel('en', code)).not.toBe(code);
      expect(reasonColor(code)).not.toBe('default');
    }
  });

  it('shows an unknown reason by its code', () => {
    expect(reasonLabel('zh-CN', 'capped_by_weather')).toBe('capped_by_weather');
    expect(reasonColor('capped_by_weather')).toBe('default');
  });

  it('marks emergency suggestions red', () => {
    expect(kindColor('emergency')).toBe('red');
    expect(kindColor('regular')).toBe('default');
  });

  it('names the forecast method', () => {
    expect(forecastMethodLabel('zh-CN', 'recent_28d')).toBe('近 28 天平均');
    expect(forecastMethodLabel('en', 'recent_7d')).toBe('Average of the last 7 days');
    expect(forecastMethodLabel('en', 'ets_v2')).toBe('ets_v2');
    expect(forecastMethodLabel('en', undefined)).toBe('—');
  });
});

describe('figureRows', () => {
  const rows = figureRows(figures, 'zh-CN');
  const row = (key: string) => rows.find((r) => r.key === key);

  it('lists the figures in the order the planner derived them', () => {
    expect(rows.map((r) => r.key)).toEqual([
      'forecast',
      'service_target',
      'protection_days',
      'demand_over_protection',
      'safety_stock',
      'reorder_point',
      'order_up_to',
      'position',
      'reserved',
      'expected_date',
    ]);
  });

  it('reads like a breakdown: forecast ± std with its method, target in %, sums with their parts', () => {
    expect(row('forecast')).toMatchObject({ value: '43.43 ± 5.52', detail: '近 28 天平均 · 28 天历史' });
    expect(row('service_target')).toMatchObject({ value: '99.2%', detail: '满足率 (β)' });
    expect(row('protection_days')).toMatchObject({ value: '4', detail: '交货期 + 检查周期' });
    expect(row('demand_over_protection')).toMatchObject({ value: '173.71', exact: '173.714284', detail: '日均 43.43 × 4 天' });
    expect(row('reorder_point')).toMatchObject({ value: '264.85', detail: '173.71 + 91.13', emphasis: true });
    expect(row('order_up_to')?.value).toBe('308.27');
    expect(row('position')).toMatchObject({
      value: '95',
      detail: '在库 100 + 在途 12 + 未结采购 3 − 未预留承诺 20',
      emphasis: true,
    });
    expect(row('position')).not.toHaveProperty('exact');
    expect(row('reserved')?.value).toBe('7');
    expect(row('expected_date')?.value).toBe('2026-12-04');
  });

  it('is in English too', () => {
    const english = figureRows(figures, 'en');
    expect(english[0]?.label).toBe('Forecast per day (± std. dev.)');
    expect(english.find((r) => r.key === 'position')?.detail).toBe(
      'On hand 100 + in transit 12 + open orders 3 − commitments 20',
    );
  });

  it('copes with missing and masked figures', () => {
    const sparse = figureRows({ forecast_per_day: '***', service_target: undefined }, 'en');
    expect(sparse[0]?.value).toBe('*** ± —');
    expect(sparse[1]?.value).toBe('—');
    expect(sparse.find((r) => r.key === 'expected_date')?.value).toBe('—');
  });

  it('derives the position from its parts, exactly', () => {
    expect(positionFromParts(figures)).toBe('95');
    expect(positionFromParts({ ...figures, on_hand: '0.1', in_transit: '0.2', open_orders: '0', commitments: '0' })).toBe('0.3');
    expect(positionFromParts({ ...figures, on_hand: '***' })).toBeNull();
    expect(shortfall(figures)).toBe('169.84598');
  });
});

describe('mayPlan', () => {
  it('offers writes to the director and to roles it does not know, never to read-only roles', () => {
    expect(mayPlan(['purchasing_director'])).toBe(true);
    expect(mayPlan(['buyer'])).toBe(true);
    expect(mayPlan(['regional_manager'])).toBe(false);
    expect(mayPlan(['finance', 'auditor'])).toBe(false);
    expect(mayPlan(['store_clerk', 'purchasing_director'])).toBe(true);
    expect(mayPlan([])).toBe(false);
    expect(mayPlan(undefined)).toBe(false);
  });
});

describe('approveBody', () => {
  const rows = [
    { id: 'a', quantity: '312' },
    { id: 'b', quantity: '48.5' },
    { id: 'c', quantity: '6' },
  ];

  it('sends the ids alone when no quantity changed', () => {
    expect(approveBody(rows)).toEqual({ ok: true, body: { ids: ['a', 'b', 'c'] } });
    expect(approveBody(rows, { a: '312', b: '48.50', c: ' 6 ' })).toEqual({ ok: true, body: { ids: ['a', 'b', 'c'] } });
  });

  it('sends only changed quantities, as exact decimal strings', () => {
    expect(approveBody(rows, { a: '300', b: '48.50', c: '0.000001' })).toEqual({
      ok: true,
      body: { ids: ['a', 'b', 'c'], quantities: { a: '300', c: '0.000001' } },
    });
    expect(approveBody(rows, { a: '12345678901234567890.123456789' })).toEqual({
      ok: true,
      body: { ids: ['a', 'b', 'c'], quantities: { a: '12345678901234567890.123456789' } },
    });
  });

  it('refuses blank, non-numeric and non-positive quantities, naming each row', () => {
    expect(approveBody(rows, { a: '', b: 'abc', c: '-1' })).toEqual({
      ok: false,
      errors: { a: 'required', b: 'notNumber', c: 'notPositive' },
    });
    expect(quantityProblem('0')).toBe('notPositive');
    expect(quantityProblem('1e2')).toBeNull();
  });

  it('keeps each id once, in selection order', () => {
    expect(approveBody([rows[1]!, rows[0]!, rows[1]!])).toEqual({ ok: true, body: { ids: ['b', 'a'] } });
  });
});

describe('orderLinks', () => {
  const sites = { 'ST-SH-01': 'XD-HQ', 'ST-HZ-01': 'FR-HZ-XH', 'WH-X': null };

  it('finds each order organisation through the site of the suggestions approved into it', () => {
    const approved = [
      { purchase_order: 'PO-1', site: 'ST-SH-01' },
      { purchase_order: 'PO-2', site: 'ST-HZ-01' },
      { purchase_order: 'PO-1', site: 'ST-SH-01' },
    ];
    expect(orderLinks(['PO-1', 'PO-2'], approved, sites)).toEqual([
      { number: 'PO-1', organisation: 'XD-HQ' },
      { number: 'PO-2', organisation: 'FR-HZ-XH' },
    ]);
  });

  it('falls back to the documents listing, preferring the same site, then to unknown', () => {
    const docs = [
      { number: 'PO-3', type: 'purchase_order', organisation: 'OTHER', site: 'ST-X' },
      { number: 'PO-3', type: 'purchase_order', organisation: 'ORG-W', site: 'WH-X' },
      { number: 'PO-4', type: 'sales_order', organisation: 'ORG-S', site: 'WH-X' },
    ];
    expect(orderLinks(['PO-3', 'PO-4'], [{ purchase_order: 'PO-3', site: 'WH-X' }], sites, docs)).toEqual([
      { number: 'PO-3', organisation: 'ORG-W' },
      { number: 'PO-4', organisation: null },
    ]);
  });
});

describe('surgeRatio', () => {
  it('is sold today over the expected day, to one decimal', () => {
    expect(surgeRatio({ sold_today: '130', expected_per_day: '40', actual: '130', expected: '40' })).toBe('3.3');
    expect(surgeRatio({ actual: '90', expected: '45' })).toBe('2');
    expect(surgeRatio({ actual: '5', expected: '0' })).toBeNull();
  });
});

describe('forecastPoints', () => {
  it('draws the mean and the band from the median to the 99.2 % quantile', () => {
    const stored = {
      sku: 'S', site: 'X', forecast_at: null, method: 'p_ses (smooth)', demand_class: 'smooth', mase: '0.73',
      bias: '0.01', pinball: '1.2',
      path: [{ ds: '2026-03-01', mean: 43.4, 'q0.5': 43, 'q0.992': 61.5 }],
    };
    expect(forecastPoints(stored)).toEqual([{ ds: '2026-03-01', mean: 43.4, lo: 43, hi: 61.5 }]);
    expect(forecastPoints(null)).toEqual([]);
  });
});
