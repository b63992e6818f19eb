/**
 * A new transfer order (draft): from one site to another (intercompany when their organisations
 * differ; the sending one numbers it), optionally same-lot, and lines of SKU and quantity. A
 * problem the API reports for a field (`to_site`, `lines[0].quantity` …) is shown at that field.
 */
import { ArrowLeftOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Switch, Typography } from 'antd';
import { useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, ApiError, newIdempotencyKey } from '../api';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../context';
import { stockSiteOptions, transferOrderBody, transferOrderFieldPath, type TransferOrderForm as Values } from '../documentForms';
import { documentPath } from '../documents';
import { isPositiveDecimal } from '../format';
import { useLoad } from '../hooks';
import { problemMessage, type Problem } from '../problem';

/** Line columns: SKU, quantity, remove (24-column grid). */
const SPANS = [12, 8, 2] as const;

export function TransferOrderPage() {
  const { lang, t } = useI18n();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const sites = useLoad((signal) => api.listSites(null, signal), []);
  const options = stockSiteOptions(sites.data?.sites ?? [], lang);
  const [form] = Form.useForm<Values>();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per body: resending the same order after a lost answer cannot create it twice.
  const key = useRef(newIdempotencyKey());

  const save = async (values: Values) => {
    setBusy(true);
    setProblem(null);
    try {
      const doc = await api.createTransferOrder(transferOrderBody(values), key.current);
      void message.success(t('po.created', { number: doc.number }));
      navigate(documentPath(doc.organisation, doc.number));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const path = transferOrderFieldPath(error.problem.field);
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
  const differentSite = ({ getFieldValue }: { getFieldValue: (name: string) => unknown }) => ({
    validator: (_: unknown, value: string | undefined) =>
      !value || value !== getFieldValue('from_site') ? Promise.resolve() : Promise.reject(new Error(t('to.sameSite'))),
  });
  const siteSelect = (testId: string) => (
    <Select<string> showSearch loading={sites.loading} data-testid={testId} optionFilterProp="label" options={options} />
  );

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/documents">
        <ArrowLeftOutlined /> {t('document.back')}
      </Link>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('to.title')}
      </Typography.Title>
      {sites.problem && <ProblemAlert problem={sites.problem} onRetry={sites.reload} />}
      {problem && <ProblemAlert problem={problem} />}
      <Form<Values>
        form={form}
        layout="vertical"
        data-testid="to-form"
        initialValues={{ same_lot: false, lines: [{}] }}
        onFinish={save}
        onValuesChange={() => {
          key.current = newIdempotencyKey();
        }}
      >
        <Card>
          <Row gutter={16}>
            <Col xs={24} md={9}>
              <Form.Item name="from_site" label={t('to.fromSite')} rules={[required]}>
                {siteSelect('to-from-site')}
              </Form.Item>
            </Col>
            <Col xs={24} md={9}>
              <Form.Item name="to_site" label={t('to.toSite')} dependencies={['from_site']} rules={[required, differentSite]}>
                {siteSelect('to-to-site')}
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name="same_lot" label={t('to.sameLot')} valuePropName="checked" extra={t('to.sameLotHint')}>
                <Switch data-testid="to-same-lot" />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <Card title={t('po.lines')} style={{ marginTop: 16 }}>
          <Row gutter={8} style={{ marginBottom: 8 }}>
            {[t('po.sku'), t('po.quantity')].map((title, i) => (
              <Col key={title} span={SPANS[i]}>
                <Typography.Text strong>{title}</Typography.Text>
              </Col>
            ))}
          </Row>
          <Form.List name="lines">
            {(fields, { add, remove }) => (
              <>
                {fields.map(({ key: rowKey, name }) => (
                  <Row key={rowKey} gutter={8} data-testid="to-line">
                    <Col span={SPANS[0]}>
                      <Form.Item name={[name, 'sku']} rules={[required]}>
                        <Input data-testid={`to-line-sku-${name}`} maxLength={200} />
                      </Form.Item>
                    </Col>
                    <Col span={SPANS[1]}>
                      <Form.Item name={[name, 'quantity']} rules={[required, positive]}>
                        <InputNumber<string> stringMode min="0" style={{ width: '100%' }} data-testid={`to-line-quantity-${name}`} />
                      </Form.Item>
                    </Col>
                    <Col span={SPANS[2]}>
                      <Button
                        icon={<DeleteOutlined />}
                        aria-label={t('po.removeLine')}
                        disabled={fields.length === 1}
                        onClick={() => remove(name)}
                      />
                    </Col>
                  </Row>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} data-testid="to-add-line">
                  {t('po.addLine')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
        <Space style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="to-save">
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
