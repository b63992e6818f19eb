/**
 * A new purchase order (draft): organisation, supplier, receiving site and lines. A problem the
 * API reports for a field (`supplier`, `lines[0].quantity` …) is shown at that field.
 */
import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, DatePicker, Form, Input, Row, Select, Space } from 'antd';
import dayjs from 'dayjs';
import { api } from '../api';
import { LineHeadings, LineItemCols, OrganisationItem, RemoveLineButton, SaveOrCancel } from '../components/DocumentFormParts';
import { NewDocumentShell } from '../components/NewDocumentShell';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../context';
import { lineRules, useCreateDocument } from '../createDocument';
import { formFieldPath, purchaseOrderBody, type PurchaseOrderForm as PurchaseOrderFormValues } from '../documents';
import type { Organisation } from '../documentTypes';
import { useLoad } from '../hooks';

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
  return (
    <NewDocumentShell title={t('po.title')} type="purchase_order">
      {(orgs, preferred) => <PurchaseOrderForm orgs={orgs} preferred={preferred} />}
    </NewDocumentShell>
  );
}

function PurchaseOrderForm({ orgs, preferred }: { orgs: Organisation[]; preferred: string | null }) {
  const { t } = useI18n();
  const [form] = Form.useForm<PurchaseOrderFormValues>();
  const organisation = Form.useWatch('organisation', form);
  const { save, renewKey, busy, problem } = useCreateDocument(
    form,
    (values, key) => api.createPurchaseOrder(purchaseOrderBody(values), key),
    formFieldPath,
  );
  const { required, positive } = lineRules(t, (value) => Number(value) > 0);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {problem && <ProblemAlert problem={problem} />}
      <Form<PurchaseOrderFormValues>
        form={form}
        layout="vertical"
        data-testid="po-form"
        initialValues={{ organisation: preferred ?? undefined, lines: [newLine()] }}
        onFinish={save}
        onValuesChange={renewKey}
      >
        <Card>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <OrganisationItem
                orgs={orgs}
                label={t('po.organisation')}
                testId="po-organisation"
                onChange={() => form.resetFields(['site'])} // the site belongs to the organisation
              />
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
          <LineHeadings
            titles={[t('po.sku'), t('po.quantity'), t('po.unitPrice'), t('po.vatRate'), t('po.expectedDate')]}
            spans={SPANS}
          />
          <Form.List name="lines">
            {(fields, { add, remove }) => (
              <>
                {fields.map(({ key: rowKey, name }) => (
                  <Row key={rowKey} gutter={8} data-testid="po-line">
                    <LineItemCols prefix="po" name={name} spans={SPANS} rules={{ required, positive }} priced />
                    <Col span={SPANS[4]}>
                      <Form.Item name={[name, 'expected_date']} rules={[required]}>
                        <DatePicker style={{ width: '100%' }} data-testid={`po-line-date-${name}`} />
                      </Form.Item>
                    </Col>
                    <Col span={SPANS[5]}>
                      <RemoveLineButton count={fields.length} onRemove={() => remove(name)} />
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
        <SaveOrCancel busy={busy} testId="po-save" />
      </Form>
    </Space>
  );
}
