/**
 * The replenishment backtest (补货回测, `POST /replenishment/backtests`): the answer's types and the
 * pure mapping to the page's table, headline and chart. Figures arrive as JSON numbers (rates
 * 0–1 to 4 decimals, money to 2); money goes through `formatMoney`, so it prints like the rest.
 */
import { BLANK, formatMoney, formatQuantity } from './format';

export interface BacktestOptions {
  /** "A=0.992,B=0.98,C=0.95" */
  targets?: string | null;
  review_days?: number | null;
  static_review_days?: number | null;
  static_buffer_days?: number | null;
  warmup_days?: number | null;
  seed?: number | null;
}

export interface BacktestPolicy {
  label: string;
  review_days: number;
  fill_rate: number;
  fill_rate_by_class: Partial<Record<string, number>>;
  avg_inventory_value: number;
  turnover_per_year: number;
  stockout_days: number;
  stockout_day_share: number;
  holding_cost_share_of_margin: number | null;
  orders_placed: number;
  [more: string]: unknown;
}

export interface BacktestSeries {
  dates: string[];
  titles: Partial<Record<string, string>>;
  policies: Partial<Record<string, { value: (number | null)[]; fill: (number | null)[] }>>;
  top_item: {
    item: string;
    site: string;
    class: string;
    dates: string[];
    demand: (number | null)[];
    on_hand: Partial<Record<string, (number | null)[]>>;
  };
}

export interface BacktestResult {
  source: string;
  config: { targets: Record<string, number>; [more: string]: unknown };
  item_sites: number;
  skipped: string[];
  policies: Partial<Record<string, BacktestPolicy>>;
  comparison: {
    target_fill_rate: number;
    inventory_reduction_at_matched_fill?: number | null;
    match_scope?: string;
    [more: string]: unknown;
  };
  series: BacktestSeries;
}

/** The columns of the side-by-side table, in order; the ones the answer lacks are left out. */
export const BACKTEST_COLUMNS = ['dynamic', 'static', 'static_matched_fill'] as const;
export type BacktestColumn = (typeof BACKTEST_COLUMNS)[number];

export const CHART_COLOURS: Readonly<Record<string, string>> = {
  dynamic: '#1677ff',
  static: '#d4380d',
  static_matched_fill: '#fa8c16',
};

/** 0.99234 → "99.23%"; null/undefined/NaN → "—". */
export function formatRate(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return BLANK;
  return `${(value * 100).toFixed(digits)}%`;
}

/** The query of `POST /replenishment/backtests`: only the options given. */
export function backtestQuery(options: BacktestOptions): Record<string, string | number> {
  const query: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'string' && !value.trim()) continue;
    if (typeof value === 'number' && !Number.isFinite(value)) continue;
    query[key] = typeof value === 'string' ? value.replace(/\s+/g, '') : value;
  }
  return query;
}

export function shownColumns(result: BacktestResult): BacktestColumn[] {
  return BACKTEST_COLUMNS.filter((name) => result.policies[name] !== undefined);
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export interface MetricRow {
  key: string;
  label: string;
  /** Indented under the row before it (the fill rate by class). */
  sub?: boolean;
  values: Partial<Record<BacktestColumn, string>>;
}

/** The table's rows: one per metric, a formatted value per policy shown. */
export function metricRows(result: BacktestResult, t: Translate): MetricRow[] {
  const columns = shownColumns(result);
  const row = (key: string, label: string, value: (p: BacktestPolicy) => string, sub = false): MetricRow => {
    const values: Partial<Record<BacktestColumn, string>> = {};
    for (const name of columns) {
      const policy = result.policies[name];
      if (policy) values[name] = value(policy);
    }
    return { key, label, sub, values };
  };
  const classes = Object.keys(result.config.targets).sort();
  return [
    row('fill_rate', t('bt.m.fill_rate'), (p) => formatRate(p.fill_rate)),
    ...classes.map((cls) =>
      row(
        `fill_rate_${cls}`,
        t('bt.m.fill_class', { cls, target: formatRate(result.config.targets[cls], 1) }),
        (p) => formatRate(p.fill_rate_by_class[cls]),
        true,
      ),
    ),
    row('avg_inventory_value', t('bt.m.avg_inventory_value'), (p) => formatMoney(String(p.avg_inventory_value))),
    row('turnover_per_year', t('bt.m.turnover_per_year'), (p) => p.turnover_per_year.toFixed(1)),
    row(
      'stockout_days',
      t('bt.m.stockout_days'),
      (p) => `${formatQuantity(String(p.stockout_days))} (${formatRate(p.stockout_day_share, 1)})`,
    ),
    row('holding_cost_share_of_margin', t('bt.m.holding_cost_share_of_margin'), (p) =>
      formatRate(p.holding_cost_share_of_margin),
    ),
    row('orders_placed', t('bt.m.orders_placed'), (p) => formatQuantity(String(p.orders_placed))),
  ];
}

export interface Headline {
  reduction: string;
  /** Whether the dynamic policy needs less inventory (the figure is above 0). */
  better: boolean | null;
  scope: string | null;
  target: string;
  dynamicFill: string;
}

export function headline(result: BacktestResult): Headline {
  const value = result.comparison.inventory_reduction_at_matched_fill;
  const hasValue = typeof value === 'number' && Number.isFinite(value);
  return {
    reduction: hasValue ? formatRate(value, 1) : BLANK,
    better: hasValue ? value > 0 : null,
    scope: result.comparison.match_scope ?? null,
    target: formatRate(result.comparison.target_fill_rate),
    dynamicFill: formatRate(result.policies.dynamic?.fill_rate),
  };
}

/**
 * ECharts option: inventory value (left axis, lines) and the 28-day rolling fill rate in % (right
 * axis, dashed) over time, for the policies of the table.
 */
export function seriesChartOption(result: BacktestResult, t: Translate): Record<string, unknown> {
  const { dates, policies } = result.series;
  const columns = shownColumns(result).filter((name) => policies[name] !== undefined);
  const valueName = t('bt.chart.value');
  const fillName = t('bt.chart.fill');
  const series = columns.flatMap((name) => {
    const data = policies[name]!;
    const label = t(`bt.policy.${name}`);
    const colour = CHART_COLOURS[name];
    return [
      {
        name: `${label} · ${valueName}`,
        type: 'line',
        yAxisIndex: 0,
        showSymbol: false,
        lineStyle: { width: 1.5, color: colour },
        itemStyle: { color: colour },
        data: data.value,
      },
      {
        name: `${label} · ${fillName}`,
        type: 'line',
        yAxisIndex: 1,
        showSymbol: false,
        lineStyle: { width: 1, type: 'dashed', color: colour },
        itemStyle: { color: colour },
        data: data.fill.map((v) => (v === null ? null : Math.round(v * 10000) / 100)),
      },
    ];
  });
  return {
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 64, right: 56, top: 48, bottom: 32 },
    xAxis: { type: 'category', data: dates, boundaryGap: false },
    yAxis: [
      { type: 'value', name: valueName, scale: true },
      { type: 'value', name: fillName, max: 100, scale: true, axisLabel: { formatter: '{value}%' } },
    ],
    series,
  };
}

/** A CSV file's bytes as text: UTF-8 (a BOM dropped), else GB18030 (Excel on a Chinese Windows). */
export function decodeCsv(bytes: ArrayBuffer | Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}
