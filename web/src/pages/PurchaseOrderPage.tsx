/**
 * A new purchase order (draft): organisation, supplier, receiving site and lines. A problem the
 * API reports for a field (`supplier`, `lines[0].quantity` …) is shown at that field.
 */
import { ArrowLeftOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Card, Col, DatePicker, Form, Input, InputNumber, Row, Select, Skeleton, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, ApiError, newIdempotencyKey } from '../api';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../context';
import { documentPath, formFieldPath, purchaseOrderBody, type PurchaseOrderForm as PurchaseOrderFormValues } from '../documents';
import type { Organisation } from '../documentTypes';
import { useLoad } from '../hooks';
import { problemMessage, type Problem } from '../problem';
import { defaultOrganisation, organisationName } from '../vouchers';

/** Line columns: SKU, quantity, unit price, VAT %, expected date, remove (24-column grid). */
const SPANS = [6, 4, 4, 3, 5, 2] as const;

function newLine() {
  return { vat_rate: 13, expected_date: dayjs().add(7, 'day') };
}

function Sites({ organisation }: { organisation: string | undefined }) {
  const { lang, t } = useI18n();
  const { data, loading } = useLoad((signal) => api.listSites(organisation ?? null, signal), [organisation]);
  const sites = (data?.sites ?? []).filter((site) => site.kind === 'warehouse' || site.kind === 'store');
  return (
    <Form.Item name="site" label={t('po.site')} rules={[{ required: true, message: t('po.required') }]}>
      <Select<string>
        showSearch
        loading={loading}
        disabled={!organisation}
        data-testid="po-site"
        optionFilterProp="label"
        options={sites.map((site) => ({
          value: site.code,
          label: `${site.code} · ${(lang === 'zh-CN' ? site.name_zh : site.name_en) || site.name_zh}`,
        }))}
      />
    </Form.Item>
  );
}

/** The organisations to choose from; the newest purchase order's comes first. */
export function PurchaseOrderPage() {
  const { t } = useI18n();
  const { data, problem, reload } = useLoad(
    (signal) =>
      Promise.all([api.listOrganisations(signal), api.listDocuments({ type: 'purchase_order', limit: 1 }, signal)]).then(
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
        {t('po.title')}
      </Typography.Title>
      {problem && <ProblemAlert problem={problem} onRetry={reload} />}
      {data ? <PurchaseOrderForm orgs={data.orgs} preferred={data.preferred} /> : !problem && <Card><Skeleton active /></Card>}
    </Space>
  );
}

function PurchaseOrderForm({ orgs, preferred }: { orgs: Organisation[]; preferred: string | null }) {
  const { lang, t } = useI18n();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<PurchaseOrderFormValues>();
  const organisation = Form.useWatch('organisation', form);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per body: resending the same order after a lost answer cannot create it twice.
  const key = useRef(newIdempotencyKey());

  const save = async (values: PurchaseOrderFormValues) => {
    setBusy(true);
    setProblem(null);
    try {
      const doc = await api.createPurchaseOrder(purchaseOrderBody(values), key.current);
      void message.success(t('po.created', { number: doc.number }));
      navigate(documentPath(doc.organisation, doc.number));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const path = formFieldPath(error.problem.field);
      if (path) form.setFields([{ name: path, errors: [problemMessage(error.problem, lang)] }]);
      else setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  };

  const required = { required: true, message: t('po.required') };
  const positive = {
    validator: (_: unknown, value: string | null | undefined) =>
      value === null || value === undefined || value === '' || Number(value) > 0
        ? Promise.resolve()
        : Promise.reject(new Error(t('po.positive'))),
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {problem && <ProblemAlert problem={problem} />}
      <Form<PurchaseOrderFormValues>
        form={form}
        layout="vertical"
        data-testid="po-form"
        initialValues={{ organisation: preferred ?? undefined, lines: [newLine()] }}
        onFinish={save}
        onValuesChange={() => {
          key.current = newIdempotencyKey();
        }}
      >
        <Card>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item name="organisation" label={t('po.organisation')} rules={[required]}>
                <Select<string>
                  showSearch
                  data-testid="po-organisation"
                  optionFilterProp="label"
                  onChange={() => form.resetFields(['site'])} // the site belongs to the organisation
                  options={orgs.map((org) => ({ value: org.code, label: `${org.code} · ${organisationName(org, lang)}` }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="supplier" label={t('po.supplier')} rules={[required]}>
                <Input data-testid="po-supplier" placeholder="SUP-…" maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Sites organisation={organisation} />
            </Col>
          </Row>
        </Card>
        <Card title={t('po.lines')} style={{ marginTop: 16 }}>
          <Row gutter={8} style={{ marginBottom: 8 }}>
            {[t('po.sku'), t('po.quantity'), t('po.unitPrice'), t('po.vatRate'), t('po.expectedDate')].map((title, i) => (
              <Col key={title} span={SPANS[i]}>
                <Typography.Text strong>{title}</Typography.Text>
              </Col>
            ))}
          </Row>
          <Form.List name="lines">
            {(fields, { add, remove }) => (
              <>
                {fields.map(({ key: rowKey, name }) => (
                  <Row key={rowKey} gutter={8} data-testid="po-line">
                    <Col span={SPANS[0]}>
                      <Form.Item name={[name, 'sku']} rules={[required]}>
                        <Input data-testid={`po-line-sku-${name}`} maxLength={200} />
                      </Form.Item>
                    </Col>
                    <Col span={SPANS[1]}>
                      <Form.Item name={[name, 'quantity']} rules={[required, positive]}>
                        <InputNumber<string> stringMode min="0" style={{ width: '100%' }} data-testid={`po-line-quantity-${name}`} />
                      </Form.Item>
                    </Col>
                    <Col span={SPANS[2]}>
                      <Form.Item name={[name, 'unit_price']} rules={[required]}>
                        <InputNumber<string> stringMode min="0" style={{ width: '100%' }} data-testid={`po-line-price-${name}`} />
                      </Form.Item>
                    </Col>
                    <Col span={SPANS[3]}>
                      <Form.Item name={[name, 'vat_rate']} rules={[required]}>
                        <InputNumber min={0} max={99} suffix="%" style={{ width: '100%' }} data-testid={`po-line-vat-${name}`} />
                      </Form.Item>
                    </Col>
                    <Col span={SPANS[4]}>
                      <Form.Item name={[name, 'expected_date']} rules={[required]}>
                        <DatePicker style={{ width: '100%' }} data-testid={`po-line-date-${name}`} />
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
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(newLine())} data-testid="po-add-line">
                  {t('po.addLine')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
        <Space style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="po-save">
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
