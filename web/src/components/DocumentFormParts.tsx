/**
 * Pieces the "new document" forms share: the organisation field, the lines' column headings, a
 * line's SKU / quantity (/ price / VAT) columns, a line's remove button, save / cancel.
 */
import { DeleteOutlined } from '@ant-design/icons';
import { Button, Col, Form, Input, InputNumber, Row, Select, Space, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import { Link } from 'react-router-dom';
import { useI18n } from '../context';
import type { Organisation } from '../documentTypes';
import { organisationName } from '../vouchers';

/** The (required) `organisation` field; `onChange` (the user chose another) is where the form resets what belongs to it. */
export function OrganisationItem({ orgs, label, testId, onChange }: {
  orgs: Organisation[];
  label: string;
  testId: string;
  onChange: () => void;
}) {
  const { lang, t } = useI18n();
  return (
    <Form.Item name="organisation" label={label} rules={[{ required: true, message: t('po.required') }]}>
      <Select<string>
        showSearch
        data-testid={testId}
        optionFilterProp="label"
        onChange={onChange}
        options={orgs.map((org) => ({ value: org.code, label: `${org.code} · ${organisationName(org, lang)}` }))}
      />
    </Form.Item>
  );
}

/**
 * Line `name`'s SKU and quantity columns and, when `priced`, its unit price and VAT % (the first
 * two or four of `spans`); test ids `${prefix}-line-sku-${name}`, `-quantity-`, `-price-`, `-vat-`.
 */
export function LineItemCols({ prefix, name, spans, rules, priced = false }: {
  prefix: string;
  name: number;
  spans: readonly number[];
  rules: { required: Rule; positive: Rule };
  priced?: boolean;
}) {
  const { required, positive } = rules;
  return (
    <>
      <Col span={spans[0]}>
        <Form.Item name={[name, 'sku']} rules={[required]}>
          <Input data-testid={`${prefix}-line-sku-${name}`} maxLength={200} />
        </Form.Item>
      </Col>
      <Col span={spans[1]}>
        <Form.Item name={[name, 'quantity']} rules={[required, positive]}>
          <InputNumber<string> stringMode min="0" style={{ width: '100%' }} data-testid={`${prefix}-line-quantity-${name}`} />
        </Form.Item>
      </Col>
      {priced && (
        <>
          <Col span={spans[2]}>
            <Form.Item name={[name, 'unit_price']} rules={[required]}>
              <InputNumber<string> stringMode min="0" style={{ width: '100%' }} data-testid={`${prefix}-line-price-${name}`} />
            </Form.Item>
          </Col>
          <Col span={spans[3]}>
            <Form.Item name={[name, 'vat_rate']} rules={[required]}>
              <InputNumber min={0} max={99} suffix="%" style={{ width: '100%' }} data-testid={`${prefix}-line-vat-${name}`} />
            </Form.Item>
          </Col>
        </>
      )}
    </>
  );
}

export function LineHeadings({ titles, spans }: { titles: string[]; spans: readonly number[] }) {
  return (
    <Row gutter={8} style={{ marginBottom: 8 }}>
      {titles.map((title, i) => (
        <Col key={title} span={spans[i]}>
          <Typography.Text strong>{title}</Typography.Text>
        </Col>
      ))}
    </Row>
  );
}

/** Removes a line; the last one stays. */
export function RemoveLineButton({ count, onRemove }: { count: number; onRemove: () => void }) {
  const { t } = useI18n();
  return <Button icon={<DeleteOutlined />} aria-label={t('po.removeLine')} disabled={count === 1} onClick={onRemove} />;
}

export function SaveOrCancel({ busy, testId }: { busy: boolean; testId: string }) {
  const { t } = useI18n();
  return (
    <Space style={{ marginTop: 16 }}>
      <Button type="primary" htmlType="submit" loading={busy} data-testid={testId}>
        {t('po.save')}
      </Button>
      <Link to="/documents">
        <Button>{t('common.cancel')}</Button>
      </Link>
    </Space>
  );
}
