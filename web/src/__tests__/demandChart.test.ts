import { describe, expect, it } from 'vitest';
import { demandChartData, demandChartOption } from '../demandChart';
import type { DemandPoint } from '../replenishment';

const point = (period: string, quantity: string): DemandPoint => ({
  period,
  quantity,
  promo_quantity: '0',
  revenue: '0',
  events: 1,
});

const history = [point('2026-03-01', '40'), point('2026-03-02', '52.5'), point('2026-03-04', '38')];

describe('demandChartData', () => {
  it('puts history on a continuous day axis, days without sales at 0', () => {
    const data = demandChartData({ points: history, horizonDays: 0 });
    expect(data.days).toEqual(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04']);
    expect(data.demand).toEqual([40, 52.5, 0, 38]);
    expect(data.mean).toEqual([null, null, null, null]);
  });

  it('draws a flat forecast ± std over the history and the days ahead, never below 0', () => {
    const data = demandChartData({ points: history, flat: { mean: '43.5', std: '50' }, horizonDays: 2 });
    expect(data.days).toEqual(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06']);
    expect(data.demand).toEqual([40, 52.5, 0, 38, null, null]);
    expect(data.mean).toEqual([43.5, 43.5, 43.5, 43.5, 43.5, 43.5]);
    expect(data.lo.every((v) => v === 0)).toBe(true);
    expect(data.hi[0]).toBe(93.5);
  });

  it('prefers a forecast series with its interval, placed on its own days (across a month end)', () => {
    const data = demandChartData({
      points: [point('2026-02-27', '10'), point('2026-02-28', '12')],
      flat: { mean: '99', std: '1' },
      forecast: [
        { ds: '2026-03-01', mean: 11, lo: 8, hi: 14 },
        { ds: '2026-03-02', mean: '11.5', lo: null, hi: '15' },
      ],
    });
    expect(data.days).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(data.demand).toEqual([10, 12, null, null]);
    expect(data.mean).toEqual([null, null, 11, 11.5]);
    expect(data.lo).toEqual([null, null, 8, 11.5]);
    expect(data.hi).toEqual([null, null, 14, 15]);
  });

  it('is empty without data', () => {
    expect(demandChartData({ points: [] }).days).toEqual([]);
  });
});

describe('demandChartOption', () => {
  it('has demand bars and, with a forecast, a dashed line over a stacked band', () => {
    const option = demandChartOption({ points: history, flat: { mean: '43.5', std: '5' }, horizonDays: 1 }, 'zh-CN');
    const series = option.series as { type: string; name: string; stack?: string; lineStyle?: { type?: string }; data: unknown[] }[];
    expect(series.map((s) => s.type)).toEqual(['bar', 'line', 'line', 'line']);
    expect(series[0]?.name).toBe('需求');
    expect(series[1]?.stack).toBe('band');
    expect(series[2]?.stack).toBe('band');
    expect(series[2]?.data[0]).toBe(10); // hi − lo, stacked on lo
    expect(series[3]).toMatchObject({ name: '预测', lineStyle: { type: 'dashed' } });
    expect((option.legend as { data: string[] }).data).toEqual(['需求', '预测', '预测 ± 1 个标准差']);
  });

  it('has bars only without a forecast, and a tooltip naming the day', () => {
    const option = demandChartOption({ points: history }, 'en');
    expect((option.series as unknown[]).length).toBe(1);
    const tooltip = option.tooltip as { formatter: (params: unknown) => string };
    expect(tooltip.formatter([{ dataIndex: 1 }])).toBe('2026-03-02<br/>Demand: 52.5');
  });

  it('names an interval from a forecast series as such', () => {
    const option = demandChartOption({ points: history, forecast: [{ ds: '2026-03-05', mean: 40, lo: 30, hi: 50 }] }, 'en');
    expect((option.legend as { data: string[] }).data).toContain('Forecast interval (median to 99.2 % quantile)');
    const tooltip = option.tooltip as { formatter: (params: unknown) => string };
    expect(tooltip.formatter([{ dataIndex: 4 }])).toBe('2026-03-05<br/>Forecast: 40<br/>Forecast interval (median to 99.2 % quantile): 30 – 50');
  });
});
