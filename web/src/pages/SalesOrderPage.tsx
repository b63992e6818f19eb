/**
 * A new sales order (draft): organisation, shipping site, customer, channel and lines. A problem
 * the API reports for a field (`customer`, `lines[0].quantity` …) is shown at that field.
 */
import { ArrowLeftOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Card, Col, Form, Input, InputNumber, Row, Select, Skeleton, Space, Typography } from 'antd';
import { useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, ApiError, newIdempotencyKey } from '../api';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../context';
import { SALES_CHANNELS, salesOrderBody, salesOrderFieldPath, stockSiteOptions, type SalesOrderForm as Values } from '../documentForms';
import { documentPath } from '../documents';
import type { Organisation } from '../documentTypes';
import { isPositiveDecimal } from '../format';
import { useLoad } from '../hooks';
import { codeLabel } from '../i18n';
import { problemMessage, type Problem } from '../problem';
import { defaultOrganisation, organisationName } from '../vouchers';

/** Line columns: SKU, quantity, unit price, VAT %, discount, remove (24-column grid). */
const SPANS = [6, 4, 4, 3, 5, 2] as const;

function newLine() {
  return { vat_rate: 13 };
}

function Sites({ organisation }: { organisation: string | undefined }) {
  const { lang, t } = useI18n();
  const { data, loading } = useLoad((signal) => api.listSites(organisation ?? null, signal), [organisation]);
  return (
    <Form.Item name="site" label={t('so.site')} rules={[{ required: true, message: t('po.required') }]}>
      <Select<string>
        showSearch
        loading={loading}
        disabled={!organisation}
        data-testid="so-site"
        optionFilterProp="label"
        options={stockSiteOptions(data?.sites ?? [], lang)}
      />
    </Form.Item>
  );
}

/** The organisations to choose from; the newest sales order's comes first. */
export function SalesOrderPage() {
  const { t } = useI18n();
  const { data, problem, reload } = useLoad(
    (signal) =>
      Promise.all([api.listOrganisations(signal), api.listDocuments({ type: 'sales_order', limit: 1 }, signal)]).then(
        ([orgs, newest]) => ({
          orgs: orgs.organisations,
          preferred: defaultOrganisation(orgs.organisations, null, newest.documents[0]?.organisation),
        }),
      ),
    [],
  );
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/documents">
        <ArrowLeftOutlined /> {t('document.back')}
      </Link>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('so.title')}
      </Typography.Title>
      {problem && <ProblemAlert problem={problem} onRetry={reload} />}
      {data ? <SalesOrderForm orgs={data.orgs} preferred={data.preferred} /> : !problem && <Card><Skeleton active /></Card>}
    </Space>
  );
}

function SalesOrderForm({ orgs, preferred }: { orgs: Organisation[]; preferred: string | null }) {
  const { lang, t } = useI18n();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const organisation = Form.useWatch('organisation', form);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per body: resending the same order after a lost answer cannot create it twice.
  const key = useRef(newIdempotencyKey());

  const save = async (values: Values) => {
    setBusy(true);
    setProblem(null);
    try {
      const doc = await api.createSalesOrder(salesOrderBody(values), key.current);
      void message.success(t('po.created', { number: doc.number }));
      navigate(documentPath(doc.organisation, doc.number));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const path = salesOrderFieldPath(error.problem.field);
      if (path) form.setFields([{ name: path, errors: [problemMessage(error.problem, lang)] }]);
      else setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  };

  const required = { required: true, message: t('po.required') };
  const positive = {
    validator: (_: unknown, value: string | null | undefined) =>
      value === null || value === undefined || value === '' || isPositiveDecimal(String(value))
        ? Promise.resolve()
        : Promise.reject(new Error(t('po.positive'))),
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {problem && <ProblemAlert problem={problem} />}
      <Form<Values>
        form={form}
        layout="vertical"
        data-testid="so-form"
        initialValues={{ organisation: preferred ?? undefined, channel: 'b2b', lines: [newLine()] }}
        onFinish={save}
        onValuesChange={() => {
          key.current = newIdempotencyKey();
        }}
      >
        <Card>
          <Row gutter={16}>
            <Col xs={24} md={6}>
              <Form.Item name="organisation" label={t('so.organisation')} rules={[required]}>
                <Select<string>
                  showSearch
                  data-testid="so-organisation"
                  optionFilterProp="label"
                  onChange={() => form.resetFields(['site'])} // the site belongs to the organisation
                  options={orgs.map((org) => ({ value: org.code, label: `${org.code} · ${organisationName(org, lang)}` }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Sites organisation={organisation} />
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name="channel" label={t('so.channel')} rules={[required]}>
                <Select<string>
                  data-testid="so-channel"
                  options={SALES_CHANNELS.map((value) => ({ value, label: codeLabel(lang, 'channel', value) }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name="customer" label={t('so.customer')} extra={t('so.customerHint')}>
                <Input data-testid="so-customer" placeholder="CUS-…" maxLength={200} />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <Card title={t('po.lines')} style={{ marginTop: 16 }}>
          <Row gutter={8} style={{ marginBottom: 8 }}>
            {[t('po.sku'), t('po.quantity'), t('so.unitPrice'), t('po.vatRate'), t('so.discount')].map((title, i) => (
              <Col key={title} span={SPANS[i]}>
                <Typography.Text strong>{title}</Typography.Text>
              </Col>
            ))}
          </Row>
          <Form.List name="lines">
            {(fields, { add, remove }) => (
              <>
                {fields.map(({ key: rowKey, name }) => (
                  <Row key={rowKey} gutter={8} data-testid="so-line">
                    <Col span={SPANS[0]}>
                      <Form.Item name={[name, 'sku']} rules={[required]}>
                        <Input data-testid={`so-line-sku-${name}`} maxLength={200} />
                      </Form.Item>
                    </Col>
                    <Col span={SPANS[1]}>
                      <Form.Item name={[name, 'quantity']} rules={[required, positive]}>
                        <InputNumber<string> stringMode min="0" style={{ width: '100%' }} data-testid={`so-line-quantity-${name}`} />
                      </Form.Item>
                    </Col>
                    <Col span={SPANS[2]}>
                      <Form.Item name={[name, 'unit_price']} rules={[required]}>
                        <InputNumber<string> stringMode min="0" style={{ width: '100%' }} data-testid={`so-line-price-${name}`} />
                      </Form.Item>
                    </Col>
                    <Col span={SPANS[3]}>
                      <Form.Item name={[name, 'vat_rate']} rules={[required]}>
                        <InputNumber min={0} max={99} suffix="%" style={{ width: '100%' }} data-testid={`so-line-vat-${name}`} />
                      </Form.Item>
                    </Col>
                    <Col span={SPANS[4]}>
                      <Form.Item name={[name, 'discount']}>
                        <InputNumber<string> stringMode min="0" style={{ width: '100%' }} data-testid={`so-line-discount-${name}`} />
                      </Form.Item>
                    </Col>
                    <Col span={SPANS[5]}>
                      <Button
                        icon={<DeleteOutlined />}
                        aria-label={t('po.removeLine')}
                        disabled={fields.length === 1}
                        onClick={() => remove(name)}
                      />
                    </Col>
                  </Row>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(newLine())} data-testid="so-add-line">
                  {t('po.addLine')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
        <Space style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="so-save">
            {t('po.save')}
          </Button>
          <Link to="/documents">
            <Button>{t('common.cancel')}</Button>
          </Link>
        </Space>
      </Form>
    </Space>
  );
}
