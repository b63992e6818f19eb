/**
 * Daily demand of an item at a site (`GET /signals/demand`) as bars, with the suggestion's
 * forecast as a dashed line in a ± std band — or, once the forecasting endpoint exists, the
 * `forecast` series with its interval (pass it in; nothing else changes).
 */
import { Alert, Empty, Skeleton, Typography } from 'antd';
import { LineChart } from 'echarts/charts';
import * as echarts from 'echarts/core';
import { useMemo } from 'react';
import { api } from '../api';
import { useI18n } from '../context';
import { demandChartOption, type FlatForecast } from '../demandChart';
import { useLoad } from '../hooks';
import { problemMessage } from '../problem';
import { forecastPoints, type ForecastPoint } from '../replenishment';
import { EChart } from './EChart';

echarts.use([LineChart]);

interface Props {
  sku: string;
  site: string;
  /** The suggestion's level (forecast per day ± std); drawn when no `forecast` series is given. */
  flat?: FlatForecast | null;
  /** Forecast days with an interval (lo/hi), e.g. quantiles from the forecasting endpoint. */
  forecast?: readonly ForecastPoint[] | null;
  horizonDays?: number;
  height?: number;
}

export function DemandChart({ sku, site, flat, forecast, horizonDays = 14, height = 260 }: Props) {
  const { lang, t } = useI18n();
  const { data, loading, problem } = useLoad((signal) => api.demandHistory(sku, site, signal), [sku, site]);
  // The stored forecast (mean, median to 99.2 % band) when planning produced one; else the flat level.
  const stored = useLoad((signal) => api.forecast(sku, site, signal).catch(() => null), [sku, site]).data;
  const path = useMemo(() => forecast ?? (stored?.path.length ? forecastPoints(stored) : null), [forecast, stored]);
  const option = useMemo(
    () => (data ? demandChartOption({ points: data.points, flat, forecast: path, horizonDays }, lang) : null),
    [data, flat?.mean, flat?.std, path, horizonDays, lang],
  );
  if (loading && !data) return <Skeleton active paragraph={{ rows: 4 }} />;
  if (problem) return <Alert type="warning" showIcon message={t('rep.chart.unavailable')} description={problemMessage(problem, lang)} />;
  if (!data || (!data.points.length && !path?.length)) return <Empty description={t('rep.chart.empty')} />;
  return (
    <>
      {stored?.method && (
        <Typography.Text type="secondary" data-testid="forecast-accuracy">
          {t('rep.chart.accuracy', {
            method: stored.method,
            mase: stored.mase ?? '—',
            bias: stored.bias === null ? '—' : `${(Number(stored.bias) * 100).toFixed(1)}%`,
          })}
        </Typography.Text>
      )}
      <EChart option={option ?? {}} height={height} testId="demand-chart" />
    </>
  );
}
