import { describe, expect, it } from 'vitest';
import { statesWithStock, stockChartOption } from '../charts';
import type { StockOverview } from '../types';

const overview: StockOverview = {
  states: ['available', 'in_transit', 'frozen'],
  rows: [
    { key: 'WH-SH', name_zh: '上海仓', name_en: 'Shanghai DC', by_state: { available: '120', in_transit: '10' }, total: '130' },
    { key: 'ST-SH-01', name_zh: '', name_en: null, by_state: { available: '5.5', frozen: '0' }, total: '5.5' },
  ],
};

describe('stockChartOption', () => {
  it('skips states without stock anywhere', () => {
    expect(statesWithStock(overview)).toEqual(['available', 'in_transit']);
  });

  it('stacks one series per state, named in the console language', () => {
    const option = stockChartOption(overview, 'zh-CN');
    const series = option.series as { name: string; stack: string; data: number[] }[];
    expect(series.map((s) => s.name)).toEqual(['可用', '在途']);
    expect(new Set(series.map((s) => s.stack)).size).toBe(1);
    expect(series[0]?.data).toEqual([120, 5.5]);
    expect(series[1]?.data).toEqual([10, 0]);
  });

  it('labels each bar with the site name in the console language, or its code when unnamed', () => {
    const english = stockChartOption(overview, 'en');
    expect((english.xAxis as { data: string[] }).data).toEqual(['Shanghai DC', 'ST-SH-01']);
    const chinese = stockChartOption(overview, 'zh-CN');
    expect((chinese.xAxis as { data: string[] }).data).toEqual(['上海仓', 'ST-SH-01']);
  });
});
