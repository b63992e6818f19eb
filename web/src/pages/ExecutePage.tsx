/**
 * One step of an approved document, line by line: receive a purchase order, ship a sales order,
 * inspect or return a goods receipt, take a customer return of a shipment, ship or receive a
 * transfer. Every line is pre-filled with what it still leaves open; lines left at 0 are not sent.
 * The step is offered only when the server lists it in the document's `actions`; a problem the API
 * reports for a line (`lines[1].quantity`) is shown at that line. On success: the new document.
 */
import { ArrowLeftOutlined } from '@ant-design/icons';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Select,
  Skeleton,
  Space,
  Table,
  Tooltip,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useRef, useState, type HTMLAttributes, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, newIdempotencyKey } from '../api';
import { DocStatusTag, DocTypeTag } from '../components/DocumentTags';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../context';
import {
  executeFieldPath,
  executeKind,
  executeRequest,
  executeRows,
  executeSpec,
  FAILED_DISPOSITIONS,
  initialExecuteForm,
  isPositiveInput,
  qcRequired,
  RETURN_FROM_STATES,
  type ExecuteForm as ExecuteFormValues,
  type ExecuteKind,
  type ExecuteRow,
  type LineInput,
} from '../documentActions';
import { documentPath } from '../documents';
import type { DocumentDetail } from '../documentTypes';
import { BLANK, compareDecimals, formatQuantity } from '../format';
import { useLoad } from '../hooks';
import { codeLabel, stateLabel, type MessageKey } from '../i18n';
import { problemMessage, type Problem } from '../problem';

interface Loaded {
  doc: DocumentDetail;
  kind: ExecuteKind | null;
  /** Receiving: each item's QC requirement (undefined when it could not be read). */
  qc: Record<string, boolean | undefined>;
}

async function load(org: string, number: string, action: string, signal: AbortSignal): Promise<Loaded> {
  const doc = await api.getDocument(org, number, signal);
  const kind = executeKind(doc.type, action);
  const qc: Record<string, boolean | undefined> = {};
  if (kind === 'po_receive') {
    const skus = [...new Set(executeRows(kind, doc.lines).filter((row) => !row.closed).map((row) => row.sku))];
    const found = await Promise.all(
      skus.map((sku) =>
        api.getItem(sku, signal, true).then(
          (item) => qcRequired(item.attributes),
          () => undefined, // the API's own default (the item's attribute) applies
        ),
      ),
    );
    skus.forEach((sku, i) => {
      qc[sku] = found[i];
    });
  }
  return { doc, kind, qc };
}

export function ExecutePage() {
  const { org = '', number = '', action = '' } = useParams<{ org: string; number: string; action: string }>();
  const { t } = useI18n();
  const { data, problem, reload } = useLoad((signal) => load(org, number, action, signal), [org, number, action]);
  const back = documentPath(org, number);
  const offered = data?.kind && data.doc.actions?.includes(action) ? data.kind : null;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Link to={back} data-testid="exec-back">
        <ArrowLeftOutlined /> {number}
      </Link>
      {problem && <ProblemAlert problem={problem} onRetry={reload} />}
      {!data && !problem && (
        <Card>
          <Skeleton active />
        </Card>
      )}
      {data && !offered && (
        <Alert type="warning" showIcon data-testid="exec-unavailable" message={t('exec.notAvailable', { number })} />
      )}
      {data && offered && <ExecuteForm key={`${data.doc.version}`} doc={data.doc} kind={offered} qc={data.qc} />}
    </Space>
  );
}

function ExecuteForm({ doc, kind, qc }: { doc: DocumentDetail; kind: ExecuteKind; qc: Record<string, boolean | undefined> }) {
  const { lang, t } = useI18n();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const spec = executeSpec(kind);
  const rows = useMemo(() => executeRows(kind, doc.lines), [kind, doc.lines]);
  const initial = useMemo(() => initialExecuteForm(kind, doc.lines, qc), [kind, doc.lines, qc]);
  const [form] = Form.useForm<ExecuteFormValues>();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [empty, setEmpty] = useState(false);
  const [busy, setBusy] = useState(false);
  // One key per body: sending the same lines again after a lost answer cannot post them twice.
  const key = useRef(newIdempotencyKey());

  const save = async (values: ExecuteFormValues) => {
    setProblem(null);
    const request = executeRequest(kind, doc.lines, values);
    setEmpty(request.body.lines.length === 0);
    if (request.body.lines.length === 0) return;
    setBusy(true);
    try {
      const done = await api.executeStep(spec.endpoint(doc.organisation, doc.number), request.body, key.current);
      const same = done.organisation === doc.organisation && done.number === doc.number;
      void message.success(t(same ? 'exec.saved' : 'exec.created', { number: done.number }));
      navigate(documentPath(done.organisation, done.number));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const path = executeFieldPath(kind, error.problem.field, request.rows);
      if (path) form.setFields([{ name: path, errors: [problemMessage(error.problem, lang)] }]);
      else setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  };

  const notNegative = {
    validator: (_: unknown, value: string | number | null | undefined) =>
      value === null || value === undefined || value === '' || (compareDecimals(String(value), '0') ?? -1) >= 0
        ? Promise.resolve()
        : Promise.reject(new Error(t('exec.nonNegative'))),
  };

  const columns = useMemo<ColumnsType<ExecuteRow>>(() => {
    const quantityInput = (row: ExecuteRow, name: LineInput) => (
      <Form.Item name={['lines', row.index, name]} rules={[notNegative]} style={{ margin: 0 }}>
        <InputNumber<string>
          stringMode
          min="0"
          disabled={row.closed}
          style={{ width: 120 }}
          data-testid={`exec-${name}-${row.index}`}
        />
      </Form.Item>
    );
    const cell = (name: LineInput, title: ReactNode, render: (row: ExecuteRow) => ReactNode) => ({
      key: name,
      title,
      onCell: () => ({ 'data-col': name }) as HTMLAttributes<HTMLElement>,
      render: (_: unknown, row: ExecuteRow) => render(row),
    });
    const inputs: Record<LineInput, ColumnsType<ExecuteRow>[number]> = {
      quantity: cell('quantity', t('exec.now'), (row) => quantityInput(row, 'quantity')),
      passed: cell('passed', codeLabel(lang, 'col', 'passed'), (row) => quantityInput(row, 'passed')),
      failed: cell('failed', codeLabel(lang, 'col', 'failed'), (row) => quantityInput(row, 'failed')),
      disposition: cell('disposition', codeLabel(lang, 'col', 'disposition'), (row) => (
        <Form.Item
          name={['lines', row.index, 'disposition']}
          dependencies={[['lines', row.index, 'failed']]}
          style={{ margin: 0 }}
          rules={[
            ({ getFieldValue }) => ({
              validator: (_: unknown, value: string | undefined) =>
                value || !isPositiveInput(getFieldValue(['lines', row.index, 'failed']))
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('exec.dispositionRequired'))),
            }),
          ]}
        >
          <Select<string>
            allowClear
            disabled={row.closed}
            style={{ width: 150 }}
            data-testid={`exec-disposition-${row.index}`}
            options={FAILED_DISPOSITIONS.map((value) => ({ value, label: codeLabel(lang, 'disposition', value) }))}
          />
        </Form.Item>
      )),
      to_qc: cell(
        'to_qc',
        <Tooltip title={t('exec.toQcHint')}>
          <span>{t('exec.toQc')}</span>
        </Tooltip>,
        (row) => (
          <Form.Item name={['lines', row.index, 'to_qc']} valuePropName="checked" style={{ margin: 0 }}>
            <Checkbox disabled={row.closed} data-testid={`exec-to_qc-${row.index}`} />
          </Form.Item>
        ),
      ),
      lot: cell('lot', codeLabel(lang, 'col', 'lot'), (row) => (
        <Form.Item name={['lines', row.index, 'lot']} style={{ margin: 0 }}>
          <Input disabled={row.closed} maxLength={200} style={{ width: 140 }} data-testid={`exec-lot-${row.index}`} />
        </Form.Item>
      )),
      expiry_date: cell('expiry_date', codeLabel(lang, 'col', 'expiry_date'), (row) => (
        <Form.Item name={['lines', row.index, 'expiry_date']} style={{ margin: 0 }}>
          <DatePicker disabled={row.closed} style={{ width: 140 }} data-testid={`exec-expiry_date-${row.index}`} />
        </Form.Item>
      )),
      from_state: cell('from_state', codeLabel(lang, 'col', 'from_state'), (row) => (
        <Form.Item name={['lines', row.index, 'from_state']} style={{ margin: 0 }}>
          <Select<string>
            disabled={row.closed}
            style={{ width: 130 }}
            data-testid={`exec-from_state-${row.index}`}
            options={RETURN_FROM_STATES.map((value) => ({ value, label: stateLabel(lang, value) }))}
          />
        </Form.Item>
      )),
    };
    const quantity = (key: string) => ({
      key,
      title: codeLabel(lang, 'col', key),
      align: 'right' as const,
      render: (_: unknown, row: ExecuteRow) => formatQuantity(key === spec.base ? row.base : (row.done[key] ?? '0')),
    });
    return [
      { key: 'line_no', title: codeLabel(lang, 'col', 'line_no'), render: (_: unknown, row: ExecuteRow) => row.lineNo },
      {
        key: 'sku',
        title: codeLabel(lang, 'col', 'sku'),
        render: (_: unknown, row: ExecuteRow) => <Link to={`/items/${encodeURIComponent(row.sku)}`}>{row.sku}</Link>,
      },
      { key: 'unit', title: codeLabel(lang, 'col', 'unit'), render: (_: unknown, row: ExecuteRow) => row.unit || BLANK },
      quantity(spec.base),
      ...spec.done.map(quantity),
      {
        key: 'open',
        title: t('exec.open'),
        align: 'right' as const,
        onCell: () => ({ 'data-col': 'open' }) as HTMLAttributes<HTMLElement>,
        render: (_: unknown, row: ExecuteRow) => <Typography.Text strong={!row.closed}>{formatQuantity(row.open)}</Typography.Text>,
      },
      ...spec.inputs.map((name) => inputs[name]),
    ];
    // `notNegative` only closes over `t`.
  }, [lang, t, spec]);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space align="center" wrap>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="exec-title">
          {t(`exec.title.${kind}` as MessageKey, { number: doc.number })}
        </Typography.Title>
        <DocTypeTag type={doc.type} />
        <DocStatusTag status={doc.status} />
      </Space>
      <Descriptions size="small" column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label={t('documents.organisation')}>{doc.organisation}</Descriptions.Item>
        <Descriptions.Item label={t('documents.site')}>{doc.site ?? BLANK}</Descriptions.Item>
        <Descriptions.Item label={t('documents.partner')}>{doc.partner ?? BLANK}</Descriptions.Item>
      </Descriptions>
      {problem && <ProblemAlert problem={problem} />}
      {empty && <Alert type="warning" showIcon message={t('exec.nothing')} data-testid="exec-nothing" />}
      <Form<ExecuteFormValues>
        form={form}
        layout="vertical"
        data-testid="exec-form"
        initialValues={initial}
        onFinish={save}
        onValuesChange={() => {
          key.current = newIdempotencyKey();
          setEmpty(false);
        }}
      >
        <Card title={t('document.lines')} extra={<Typography.Text type="secondary">{t('exec.linesHint')}</Typography.Text>}>
          <Table<ExecuteRow>
            data-testid="exec-lines"
            rowKey="index"
            size="small"
            columns={columns}
            dataSource={rows}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: t('common.empty') }}
          />
        </Card>
        {spec.reason && (
          <Card style={{ marginTop: 16 }}>
            <Form.Item name="reason" label={t('exec.reason')} style={{ marginBottom: 0 }}>
              <Input.TextArea rows={2} maxLength={500} data-testid="exec-reason" />
            </Form.Item>
          </Card>
        )}
        <Space style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="exec-submit">
            {t(`exec.confirm.${kind}` as MessageKey)}
          </Button>
          <Link to={documentPath(doc.organisation, doc.number)}>
            <Button>{t('common.cancel')}</Button>
          </Link>
        </Space>
      </Form>
    </Space>
  );
}
