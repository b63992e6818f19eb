/**
 * A new sales order (draft): organisation, shipping site, customer, channel and lines. A problem
 * the API reports for a field (`customer`, `lines[0].quantity` …) is shown at that field.
 */
import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Form, Input, InputNumber, Row, Select, Space } from 'antd';
import { api } from '../api';
import { LineHeadings, LineItemCols, OrganisationItem, RemoveLineButton, SaveOrCancel } from '../components/DocumentFormParts';
import { NewDocumentShell } from '../components/NewDocumentShell';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../context';
import { lineRules, useCreateDocument } from '../createDocument';
import { SALES_CHANNELS, salesOrderBody, salesOrderFieldPath, stockSiteOptions, type SalesOrderForm as Values } from '../documentForms';
import type { Organisation } from '../documentTypes';
import { useLoad } from '../hooks';
import { codeLabel } from '../i18n';

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
  return (
    <NewDocumentShell title={t('so.title')} type="sales_order">
      {(orgs, preferred) => <SalesOrderForm orgs={orgs} preferred={preferred} />}
    </NewDocumentShell>
  );
}

function SalesOrderForm({ orgs, preferred }: { orgs: Organisation[]; preferred: string | null }) {
  const { lang, t } = useI18n();
  const [form] = Form.useForm<Values>();
  const organisation = Form.useWatch('organisation', form);
  const { save, renewKey, busy, problem } = useCreateDocument(
    form,
    (values, key) => api.createSalesOrder(salesOrderBody(values), key),
    salesOrderFieldPath,
  );
  const { required, positive } = lineRules(t);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {problem && <ProblemAlert problem={problem} />}
      <Form<Values>
        form={form}
        layout="vertical"
        data-testid="so-form"
        initialValues={{ organisation: preferred ?? undefined, channel: 'b2b', lines: [newLine()] }}
        onFinish={save}
        onValuesChange={renewKey}
      >
        <Card>
          <Row gutter={16}>
            <Col xs={24} md={6}>
              <OrganisationItem
                orgs={orgs}
                label={t('so.organisation')}
                testId="so-organisation"
                onChange={() => form.resetFields(['site'])} // the site belongs to the organisation
              />
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
          <LineHeadings
            titles={[t('po.sku'), t('po.quantity'), t('so.unitPrice'), t('po.vatRate'), t('so.discount')]}
            spans={SPANS}
          />
          <Form.List name="lines">
            {(fields, { add, remove }) => (
              <>
                {fields.map(({ key: rowKey, name }) => (
                  <Row key={rowKey} gutter={8} data-testid="so-line">
                    <LineItemCols prefix="so" name={name} spans={SPANS} rules={{ required, positive }} priced />
                    <Col span={SPANS[4]}>
                      <Form.Item name={[name, 'discount']}>
                        <InputNumber<string> stringMode min="0" style={{ width: '100%' }} data-testid={`so-line-discount-${name}`} />
                      </Form.Item>
                    </Col>
                    <Col span={SPANS[5]}>
                      <RemoveLineButton count={fields.length} onRemove={() => remove(name)} />
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
        <SaveOrCancel busy={busy} testId="so-save" />
      </Form>
    </Space>
  );
}
