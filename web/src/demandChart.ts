/**
 * The demand chart of an item at a site, as an ECharts option (pure, unit-tested): daily demand
 * history as bars, and a forecast as a dashed line inside a shaded band.
 *
 * The forecast is either a series of days with an interval (`{ds, mean, lo, hi}`, what the
 * forecasting endpoint will send) or, until then, the suggestion's flat level — forecast per day
 * ± its standard deviation — drawn over the history and the days ahead.
 */
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { toChartNumber } from './format';
import { t, type Lang } from './i18n';
import type { DemandPoint, ForecastPoint } from './replenishment';

export type DemandChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

/** The suggestion's level: forecast per day and its standard deviation (decimal strings). */
export interface FlatForecast {
  mean: string | null | undefined;
  std?: string | null | undefined;
}

export interface DemandChartInput {
  points: readonly DemandPoint[];
  /** Days with an interval; wins over `flat` when given and not empty. */
  forecast?: readonly ForecastPoint[] | null;
  flat?: FlatForecast | null;
  /** Days drawn after the last day of history for a flat forecast (0: none). */
  horizonDays?: number;
}

const DAY_MS = 86_400_000;

function dayNumber(iso: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return null;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
}

function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function num(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const parsed = Number(value);
  return Number.isFinite(parsed) && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value) ? parsed : null;
}

/** Rounded for the tooltip (the chart is floating point anyway). */
function short(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return String(Math.round(value * 100) / 100);
}

export interface DemandChartData {
  days: string[];
  demand: (number | null)[];
  mean: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
}

/**
 * The series on one continuous day axis: history days without sales count 0 (the API leaves
 * them out), days after the history have no demand bar.
 */
export function demandChartData({ points, forecast, flat, horizonDays = 14 }: DemandChartInput): DemandChartData {
  const history = new Map<number, number>();
  for (const point of points) {
    const day = dayNumber(point.period);
    if (day !== null) history.set(day, (history.get(day) ?? 0) + toChartNumber(point.quantity));
  }
  const series = (forecast ?? [])
    .map((f) => ({ day: dayNumber(f.ds), mean: num(f.mean), lo: num(f.lo), hi: num(f.hi) }))
    .filter((f): f is { day: number; mean: number | null; lo: number | null; hi: number | null } => f.day !== null);
  const useSeries = series.length > 0;
  const level = useSeries ? null : num(flat?.mean ?? null);
  const spread = num(flat?.std ?? null) ?? 0;

  const known = [...history.keys(), ...series.map((f) => f.day)];
  if (!known.length) return { days: [], demand: [], mean: [], lo: [], hi: [] };
  const first = Math.min(...known);
  const lastHistory = history.size ? Math.max(...history.keys()) : first - 1;
  let last = Math.max(...known);
  if (level !== null && horizonDays > 0) last = Math.max(last, lastHistory + horizonDays);

  const byDay = new Map(series.map((f) => [f.day, f]));
  const out: DemandChartData = { days: [], demand: [], mean: [], lo: [], hi: [] };
  for (let day = first; day <= last; day += 1) {
    out.days.push(isoDay(day));
    out.demand.push(day <= lastHistory ? (history.get(day) ?? 0) : null);
    if (useSeries) {
      const f = byDay.get(day);
      const mean = f?.mean ?? null;
      out.mean.push(mean);
      out.lo.push(f ? (f.lo ?? mean) : null);
      out.hi.push(f ? (f.hi ?? mean) : null);
    } else if (level !== null) {
      out.mean.push(level);
      out.lo.push(Math.max(0, level - spread));
      out.hi.push(level + spread);
    } else {
      out.mean.push(null);
      out.lo.push(null);
      out.hi.push(null);
    }
  }
  return out;
}

interface TooltipParam {
  dataIndex: number;
}

/** Bars of daily demand, the forecast as a dashed line, its interval as a band (base + stacked width). */
export function demandChartOption(input: DemandChartInput, lang: Lang): DemandChartOption {
  const data = demandChartData(input);
  const hasForecast = data.mean.some((value) => value !== null);
  const names = {
    demand: t(lang, 'rep.chart.demand'),
    forecast: t(lang, 'rep.chart.forecast'),
    band: input.forecast?.length ? t(lang, 'rep.chart.interval') : t(lang, 'rep.chart.band'),
  };
  const width = data.hi.map((hi, i) => {
    const lo = data.lo[i];
    return hi === null || hi === undefined || lo === null || lo === undefined ? null : Math.max(0, hi - lo);
  });
  const series: (BarSeriesOption | LineSeriesOption)[] = [
    { type: 'bar', name: names.demand, data: data.demand, itemStyle: { color: '#5470c6' }, barMaxWidth: 18, z: 3 },
  ];
  if (hasForecast) {
    series.push(
      {
        type: 'line',
        name: 'band-base',
        data: data.lo,
        stack: 'band',
        symbol: 'none',
        silent: true,
        lineStyle: { opacity: 0 },
        tooltip: { show: false },
      },
      {
        type: 'line',
        name: names.band,
        data: width,
        stack: 'band',
        symbol: 'none',
        silent: true,
        z: 1,
        lineStyle: { opacity: 0 },
        itemStyle: { color: '#fac858' },
        areaStyle: { color: '#fac858', opacity: 0.3 },
      },
      {
        type: 'line',
        name: names.forecast,
        data: data.mean,
        symbol: 'none',
        z: 4,
        itemStyle: { color: '#ee6666' },
        lineStyle: { type: 'dashed', width: 2, color: '#ee6666' },
      },
    );
  }
  return {
    tooltip: {
      trigger: 'axis',
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as TooltipParam[];
        const i = list[0]?.dataIndex ?? 0;
        const lines = [data.days[i] ?? ''];
        if (data.demand[i] !== null && data.demand[i] !== undefined) lines.push(`${names.demand}: ${short(data.demand[i])}`);
        if (data.mean[i] !== null && data.mean[i] !== undefined) {
          lines.push(`${names.forecast}: ${short(data.mean[i])}`);
          lines.push(`${names.band}: ${short(data.lo[i])} – ${short(data.hi[i])}`);
        }
        return lines.join('<br/>');
      },
    },
    legend: { top: 0, data: hasForecast ? [names.demand, names.forecast, names.band] : [names.demand] },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: data.days, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', min: 0 },
    series,
  };
}
