/**
 * A new transfer order (draft): from one site to another (intercompany when their organisations
 * differ; the sending one numbers it), optionally same-lot, and lines of SKU and quantity. A
 * problem the API reports for a field (`to_site`, `lines[0].quantity` …) is shown at that field.
 */
import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Form, Row, Select, Switch } from 'antd';
import { api } from '../api';
import { LineHeadings, LineItemCols, RemoveLineButton, SaveOrCancel } from '../components/DocumentFormParts';
import { NewDocumentFrame } from '../components/NewDocumentShell';
import { ProblemAlert } from '../components/ProblemAlert';
import { useI18n } from '../context';
import { lineRules, useCreateDocument } from '../createDocument';
import { stockSiteOptions, transferOrderBody, transferOrderFieldPath, type TransferOrderForm as Values } from '../documentForms';
import { useLoad } from '../hooks';

/** Line columns: SKU, quantity, remove (24-column grid). */
const SPANS = [12, 8, 2] as const;

export function TransferOrderPage() {
  const { lang, t } = useI18n();
  const sites = useLoad((signal) => api.listSites(null, signal), []);
  const options = stockSiteOptions(sites.data?.sites ?? [], lang);
  const [form] = Form.useForm<Values>();
  const { save, renewKey, busy, problem } = useCreateDocument(
    form,
    (values, key) => api.createTransferOrder(transferOrderBody(values), key),
    transferOrderFieldPath,
  );
  const { required, positive } = lineRules(t);
  const differentSite = ({ getFieldValue }: { getFieldValue: (name: string) => unknown }) => ({
    validator: (_: unknown, value: string | undefined) =>
      !value || value !== getFieldValue('from_site') ? Promise.resolve() : Promise.reject(new Error(t('to.sameSite'))),
  });
  const siteSelect = (testId: string) => (
    <Select<string> showSearch loading={sites.loading} data-testid={testId} optionFilterProp="label" options={options} />
  );

  return (
    <NewDocumentFrame title={t('to.title')}>
      {sites.problem && <ProblemAlert problem={sites.problem} onRetry={sites.reload} />}
      {problem && <ProblemAlert problem={problem} />}
      <Form<Values>
        form={form}
        layout="vertical"
        data-testid="to-form"
        initialValues={{ same_lot: false, lines: [{}] }}
        onFinish={save}
        onValuesChange={renewKey}
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
          <LineHeadings titles={[t('po.sku'), t('po.quantity')]} spans={SPANS} />
          <Form.List name="lines">
            {(fields, { add, remove }) => (
              <>
                {fields.map(({ key: rowKey, name }) => (
                  <Row key={rowKey} gutter={8} data-testid="to-line">
                    <LineItemCols prefix="to" name={name} spans={SPANS} rules={{ required, positive }} />
                    <Col span={SPANS[2]}>
                      <RemoveLineButton count={fields.length} onRemove={() => remove(name)} />
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
        <SaveOrCancel busy={busy} testId="to-save" />
      </Form>
    </NewDocumentFrame>
  );
}
