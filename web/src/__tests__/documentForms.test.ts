import { describe, expect, it } from 'vitest';
import {
  fieldPathIn,
  SALES_CHANNELS,
  salesOrderBody,
  salesOrderFieldPath,
  stockSiteOptions,
  transferOrderBody,
  transferOrderFieldPath,
} from '../documentForms';
import { codeLabel } from '../i18n';

describe('salesOrderBody', () => {
  it('builds the POST /sales-orders body with exact strings', () => {
    expect(
      salesOrderBody({
        organisation: 'XD-EC',
        site: ' WH-SH ',
        customer: 'CUS-HOSP-01',
        channel: 'b2b',
        lines: [
          { sku: 'SKU-1', quantity: '12', unit_price: '25.50', vat_rate: 13, discount: '3.10' },
          { sku: 'SKU-2', quantity: 1, unit_price: '0.1', vat_rate: '6', discount: null },
        ],
      }),
    ).toEqual({
      organisation: 'XD-EC',
      site: 'WH-SH',
      customer: 'CUS-HOSP-01',
      channel: 'b2b',
      lines: [
        { sku: 'SKU-1', quantity: '12', unit_price: '25.50', vat_rate: '0.13', discount: '3.10' },
        { sku: 'SKU-2', quantity: '1', unit_price: '0.1', vat_rate: '0.06' },
      ],
    });
  });

  it('sends no customer for a blank one and defaults the channel and VAT', () => {
    const body = salesOrderBody({ organisation: 'XD-EC', site: 'ST-SH-01', customer: '  ', lines: [{ sku: 'S', quantity: '1', unit_price: '2' }] });
    expect(body.customer).toBeNull();
    expect(body.channel).toBe('b2b');
    expect(body.lines[0]?.vat_rate).toBe('0.13');
    expect(salesOrderBody({}).lines).toEqual([]);
  });
});

describe('transferOrderBody', () => {
  it('builds the POST /transfer-orders body', () => {
    expect(
      transferOrderBody({ from_site: 'WH-SH', to_site: 'ST-SH-01', same_lot: true, lines: [{ sku: ' SKU-1 ', quantity: '5.5' }] }),
    ).toEqual({ from_site: 'WH-SH', to_site: 'ST-SH-01', same_lot: true, lines: [{ sku: 'SKU-1', quantity: '5.5' }] });
    expect(transferOrderBody({ from_site: 'A', to_site: 'B' })).toEqual({ from_site: 'A', to_site: 'B', same_lot: false, lines: [] });
  });
});

describe('field paths', () => {
  it('finds header and line fields in both spellings', () => {
    expect(fieldPathIn('customer', ['customer'], ['sku'])).toEqual(['customer']);
    expect(fieldPathIn('lines[2].sku', ['customer'], ['sku'])).toEqual(['lines', 2, 'sku']);
    expect(fieldPathIn('lines.0.sku', ['customer'], ['sku'])).toEqual(['lines', 0, 'sku']);
    expect(fieldPathIn('lines[0].unit', ['customer'], ['sku'])).toBeNull();
    expect(fieldPathIn('lines', ['customer'], ['sku'])).toBeNull();
    expect(fieldPathIn(undefined, ['customer'], ['sku'])).toBeNull();
  });

  it('maps sales order problems to its fields', () => {
    expect(salesOrderFieldPath('channel')).toEqual(['channel']);
    expect(salesOrderFieldPath('lines[0].discount')).toEqual(['lines', 0, 'discount']);
    expect(salesOrderFieldPath('lines[1].unit_price')).toEqual(['lines', 1, 'unit_price']);
    expect(salesOrderFieldPath('from_site')).toBeNull();
  });

  it('maps transfer problems to its fields, line problems it has no field for at the SKU', () => {
    expect(transferOrderFieldPath('to_site')).toEqual(['to_site']);
    expect(transferOrderFieldPath('lines[0].quantity')).toEqual(['lines', 0, 'quantity']);
    expect(transferOrderFieldPath('lines[1].lot')).toEqual(['lines', 1, 'sku']);
    expect(transferOrderFieldPath('lines[1].unit')).toEqual(['lines', 1, 'sku']);
    expect(transferOrderFieldPath('organisation')).toBeNull();
  });
});

describe('choices', () => {
  it('offers the stock sites only, named in the console language', () => {
    const sites = [
      { code: 'WH-SH', name_zh: '上海仓', name_en: 'Shanghai DC', kind: 'warehouse' },
      { code: 'ST-SH-01', name_zh: '徐汇店', name_en: '', kind: 'store' },
      { code: 'CH-TMALL', name_zh: '天猫', name_en: 'Tmall', kind: 'channel' },
      { code: '@supplier', name_zh: '供应商', name_en: 'Supplier', kind: 'virtual' },
    ];
    expect(stockSiteOptions(sites, 'zh-CN')).toEqual([
      { value: 'WH-SH', label: 'WH-SH · 上海仓' },
      { value: 'ST-SH-01', label: 'ST-SH-01 · 徐汇店' },
    ]);
    expect(stockSiteOptions(sites, 'en').map((option) => option.label)).toEqual(['WH-SH · Shanghai DC', 'ST-SH-01 · 徐汇店']);
  });

  it('translates every sales channel', () => {
    for (const channel of SALES_CHANNELS) {
      expect(codeLabel('zh-CN', 'channel', channel)).not.toBe(channel);
      expect(codeLabel('en', 'channel', channel)).not.toBe(channel);
    }
  });
});
