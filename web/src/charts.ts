/** ECharts options built from API data: pure functions, so they are unit-tested without a browser. */
import type { BarSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { toChartNumber } from './format';
import { stateLabel, type Lang } from './i18n';
import type { OverviewRow, StockOverview } from './types';

/** A site's name in `lang` (the other language's, then the code, when missing). */
export function siteName(row: OverviewRow, lang: Lang): string {
  const [first, second] = lang === 'zh-CN' ? [row.name_zh, row.name_en] : [row.name_en, row.name_zh];
  return first || second || row.key;
}

export type StockChartOption = ComposeOption<
  BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

/** States that hold stock somewhere, in the server's order (all-zero states would only clutter the legend). */
export function statesWithStock(overview: StockOverview): string[] {
  return overview.states.filter((state) => overview.rows.some((row) => toChartNumber(row.by_state[state]) !== 0));
}

/** One stacked bar per site, one series per stock state, state names in `lang`. */
export function stockChartOption(overview: StockOverview, lang: Lang): StockChartOption {
  const states = statesWithStock(overview);
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: overview.rows.map((row) => siteName(row, lang)),
      axisLabel: { interval: 0, rotate: overview.rows.length > 8 ? 30 : 0 },
    },
    yAxis: { type: 'value' },
    series: states.map((state) => ({
      type: 'bar',
      name: stateLabel(lang, state),
      stack: 'quantity',
      emphasis: { focus: 'series' },
      data: overview.rows.map((row) => toChartNumber(row.by_state[state])),
    })),
  };
}
