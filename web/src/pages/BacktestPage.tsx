/**
 * 补货回测 / Replenishment backtest: upload a demand CSV (or run the sample), then see jxc's dynamic
 * policy, the static rule and the static rule at the same fill rate side by side, the headline
 * inventory reduction, and inventory value and fill rate over time.
 */
import { ArrowLeftOutlined, DownloadOutlined, ExperimentOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Input, InputNumber, Row, Space, Spin, Statistic, Table, Typography, Upload } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { LineChart } from 'echarts/charts';
import * as echarts from 'echarts/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, api } from '../api';
import {
  decodeCsv,
  headline,
  metricRows,
  seriesChartOption,
  shownColumns,
  type BacktestOptions,
  type BacktestResult,
  type MetricRow,
  type Translate,
} from '../backtest';
import { EChart } from '../components/EChart';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../context';
import type { Problem } from '../problem';

echarts.use([LineChart]);

function asProblem(error: unknown): Problem {
  return error instanceof ApiError
    ? error.problem
    : { type: 'about:blank', title: String(error), status: 0, code: 'client.error' };
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export function BacktestPage() {
  const { t: translate } = useI18n();
  const t = translate as unknown as Translate;
  const [options, setOptions] = useState<BacktestOptions>({});
  const [running, setRunning] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [result, setResult] = useState<BacktestResult | null>(null);
  const [file, setFile] = useState<string>('');
  const controller = useRef<AbortController | null>(null);

  useEffect(() => () => controller.current?.abort(), []);

  async function run(name: string, text: () => Promise<string>) {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setRunning(true);
    setProblem(null);
    setResult(null);
    setFile(name);
    try {
      const answer = await api.runBacktest(await text(), options, current.signal);
      setResult(answer);
    } catch (error) {
      if (!isAbort(error)) setProblem(asProblem(error));
    } finally {
      if (controller.current === current) setRunning(false);
    }
  }

  async function downloadSample() {
    try {
      const text = await api.backtestSample();
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = 'jxc-backtest-sample.csv';
      anchor.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setProblem(asProblem(error));
    }
  }

  const rows = useMemo(() => (result ? metricRows(result, t) : []), [result, t]);
  const chart = useMemo(() => (result ? seriesChartOption(result, t) : null), [result, t]);
  const columns: ColumnsType<MetricRow> = useMemo(
    () => [
      {
        title: t('bt.col.metric'),
        dataIndex: 'label',
        render: (label: string, row) => <span style={row.sub ? { paddingLeft: 16 } : undefined}>{label}</span>,
      },
      ...(result ? shownColumns(result) : []).map((name) => ({
        title: t(`bt.policy.${name}`),
        key: name,
        align: 'right' as const,
        render: (_: unknown, row: MetricRow) => <span data-testid={`bt-${row.key}-${name}`}>{row.values[name]}</span>,
      })),
    ],
    [result, t],
  );
  const head = result ? headline(result) : null;

  const number = (key: keyof BacktestOptions, label: string, min: number, step = 1) => (
    <Space direction="vertical" size={2}>
      <Typography.Text type="secondary">{label}</Typography.Text>
      <InputNumber
        min={min}
        max={365}
        step={step}
        value={options[key] as number | null | undefined}
        onChange={(value) => setOptions((o) => ({ ...o, [key]: value }))}
        data-testid={`bt-${key}`}
      />
    </Space>
  );

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('bt.title')}
        </Typography.Title>
        <Link to="/replenishment">
          <Button icon={<ArrowLeftOutlined />}>{t('menu.replenishment')}</Button>
        </Link>
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('bt.intro')}
      </Typography.Paragraph>
      <Card size="small">
        <Space wrap align="end" size="middle">
          <Space direction="vertical" size={2}>
            <Typography.Text type="secondary">{t('bt.targets')}</Typography.Text>
            <Input
              placeholder="A=0.992,B=0.98,C=0.95"
              value={options.targets ?? ''}
              onChange={(e) => setOptions((o) => ({ ...o, targets: e.target.value }))}
              style={{ width: 220 }}
              data-testid="bt-targets"
            />
          </Space>
          {number('review_days', t('bt.reviewDays'), 1)}
          {number('static_review_days', t('bt.staticReviewDays'), 1)}
          {number('static_buffer_days', t('bt.staticBufferDays'), 0, 0.5)}
          {number('seed', t('bt.seed'), 0)}
        </Space>
        <Space wrap style={{ marginTop: 16 }}>
          <Upload
            accept=".csv,text/csv"
            showUploadList={false}
            disabled={running}
            beforeUpload={(upload) => {
              void run(upload.name, async () => decodeCsv(await upload.arrayBuffer()));
              return false;
            }}
          >
            <Button type="primary" icon={<UploadOutlined />} disabled={running} data-testid="bt-upload">
              {t('bt.upload')}
            </Button>
          </Upload>
          <Button
            icon={<ExperimentOutlined />}
            disabled={running}
            onClick={() => void run('sample.csv', () => api.backtestSample(controller.current?.signal))}
            data-testid="bt-sample"
          >
            {t('bt.sample')}
          </Button>
          <Button type="link" icon={<DownloadOutlined />} onClick={() => void downloadSample()}>
            {t('bt.downloadSample')}
          </Button>
        </Space>
      </Card>
      {running && (
        <Spin tip={t('bt.running')} size="large" data-testid="bt-running">
          <div style={{ minHeight: 120 }} />
        </Spin>
      )}
      {problem && <ProblemAlert problem={problem} />}
      {result && head && (
        <>
          <Typography.Text type="secondary" data-testid="bt-source">
            {t('bt.source', { file, items: result.item_sites })}
          </Typography.Text>
          {result.skipped.length > 0 && <Alert type="warning" showIcon message={t('bt.skipped', { count: result.skipped.length })} />}
          <Row gutter={16}>
            <Col xs={24} md={10}>
              <Card size="small">
                <Statistic
                  title={t('bt.headline')}
                  value={head.reduction}
                  valueStyle={{ color: head.better === null ? undefined : head.better ? '#389e0d' : '#cf1322' }}
                  data-testid="bt-headline"
                />
                <Typography.Text type="secondary">
                  {head.scope ? t('bt.headlineHint', { scope: t(`bt.scope.${head.scope}`) }) : t('bt.noMatch')}
                </Typography.Text>
              </Card>
            </Col>
            <Col xs={12} md={7}>
              <Card size="small">
                <Statistic title={t('bt.target')} value={head.target} />
              </Card>
            </Col>
            <Col xs={12} md={7}>
              <Card size="small">
                <Statistic title={t('bt.dynamicFill')} value={head.dynamicFill} />
              </Card>
            </Col>
          </Row>
          <Table<MetricRow>
            size="small"
            rowKey="key"
            pagination={false}
            columns={columns}
            dataSource={rows}
            data-testid="bt-table"
          />
          {chart && (
            <Card size="small" title={t('bt.chart.title')}>
              <EChart option={chart} height={380} testId="bt-chart" />
            </Card>
          )}
        </>
      )}
    </Space>
  );
}
