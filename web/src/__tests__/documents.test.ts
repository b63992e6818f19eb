import { describe, expect, it } from 'vitest';
import {
  actorName,
  documentPath,
  formFieldPath,
  lineColumns,
  percentToRate,
  plainValue,
  purchaseOrderBody,
  rateToPercent,
  statusColor,
  typeColor,
  valueKind,
} from '../documents';
import { DOCUMENT_STATUSES, DOCUMENT_TYPES } from '../documentTypes';
import { codeLabel, DICTIONARIES } from '../i18n';

describe('document labels and tags', () => {
  it('translates every type and status the list filters offer', () => {
    for (const type of DOCUMENT_TYPES) {
      expect(DICTIONARIES['zh-CN'][`docType.${type}`]).toBeTruthy();
      expect(DICTIONARIES.en[`docType.${type}`]).toBeTruthy();
    }
    for (const status of DOCUMENT_STATUSES) expect(DICTIONARIES['zh-CN'][`docStatus.${status}`]).toBeTruthy();
    expect(codeLabel('zh-CN', 'docType', 'purchase_order')).toBe('采购订单');
    expect(codeLabel('en', 'docType', 'goods_receipt')).toBe('Goods receipt');
    expect(codeLabel('zh-CN', 'docStatus', 'partially_done')).toBe('部分完成');
    expect(codeLabel('zh-CN', 'voucherKind', 'purchase_receipt')).toBe('采购入库');
  });

  it('shows a code the console does not know as itself', () => {
    expect(codeLabel('zh-CN', 'docType', 'consignment_note')).toBe('consignment_note');
    expect(codeLabel('en', 'role', '')).toBe('');
  });

  it('gives every status a distinct colour and unknown codes the neutral one', () => {
    const colours = DOCUMENT_STATUSES.map(statusColor);
    expect(new Set(colours).size).toBe(colours.length);
    expect(statusColor('done')).toBe('success');
    expect(statusColor('nope')).toBe('default');
    expect(typeColor('purchase_order')).not.toBe(typeColor('sales_order'));
    expect(typeColor('nope')).toBe('default');
  });
});

describe('small helpers', () => {
  it('routes to a document with its parts escaped', () => {
    expect(documentPath('XD-EC', 'PO-2026-000001')).toBe('/documents/XD-EC/PO-2026-000001');
    expect(documentPath('A/B', '记 1')).toBe('/documents/A%2FB/%E8%AE%B0%201');
  });

  it('names people without the user: prefix', () => {
    expect(actorName('user:director')).toBe('director');
    expect(actorName('rule:R-7')).toBe('rule:R-7');
    expect(actorName(null)).toBe('—');
  });

  it('converts VAT rates between fractions and percentages exactly', () => {
    expect(rateToPercent('0.13')).toBe('13%');
    expect(rateToPercent('0.065')).toBe('6.5%');
    expect(rateToPercent('***')).toBe('***');
    expect(rateToPercent(null)).toBe('—');
    expect(percentToRate(13)).toBe('0.13');
    expect(percentToRate('9')).toBe('0.09');
    expect(percentToRate('6.5')).toBe('0.065');
    expect(percentToRate('0')).toBe('0');
    expect(percentToRate('')).toBeNull();
    expect(percentToRate('abc')).toBeNull();
  });

  it('shows other values compactly', () => {
    expect(plainValue([])).toBe('—');
    expect(plainValue({ bins: [], categories: ['饮料'] })).toBe('bins: —, categories: 饮料');
    expect(plainValue([{ date: '2026-12-03', quantity: '10' }])).toBe('date: 2026-12-03, quantity: 10');
    expect(plainValue(3)).toBe('3');
  });
});

describe('lineColumns', () => {
  it('orders the keys the lines have, unknown keys last', () => {
    const lines = [
      { line_no: 1, gross: '113.00', sku: 'A', custom: 'x', quantity: '1', unit_price: '100', vat_rate: '0.13' },
      { line_no: 2, sku: 'B', quantity: '2', lot: 'L1' },
    ];
    expect(lineColumns(lines)).toEqual(['line_no', 'sku', 'lot', 'quantity', 'unit_price', 'vat_rate', 'gross', 'custom']);
  });

  it('knows how to show each kind of value', () => {
    expect(valueKind('unit_price')).toBe('money');
    expect(valueKind('received')).toBe('quantity');
    expect(valueKind('vat_rate')).toBe('rate');
    expect(valueKind('target')).toBe('state');
    expect(valueKind('expected_date')).toBe('date');
    expect(valueKind('note')).toBe('text');
  });
});

describe('the purchase order form', () => {
  it('builds the API body, trimming text and turning the VAT percentage into a rate', () => {
    const body = purchaseOrderBody({
      organisation: 'XD-EC',
      supplier: ' SUP-1 ',
      site: 'WH-SH',
      lines: [
        { sku: 'FR-0001', quantity: '100', unit_price: '10.5', vat_rate: 9, expected_date: { format: () => '2026-12-08' } },
        { sku: 'FR-0002', quantity: 5, unit_price: '0', vat_rate: null, expected_date: '2026-12-09' },
      ],
    });
    expect(body).toEqual({
      organisation: 'XD-EC',
      supplier: 'SUP-1',
      site: 'WH-SH',
      lines: [
        { sku: 'FR-0001', quantity: '100', unit_price: '10.5', vat_rate: '0.09', expected_date: '2026-12-08' },
        { sku: 'FR-0002', quantity: '5', unit_price: '0', vat_rate: '0.13', expected_date: '2026-12-09' },
      ],
    });
  });

  it('finds the form field a problem names, in either notation', () => {
    expect(formFieldPath('lines[0].quantity')).toEqual(['lines', 0, 'quantity']);
    expect(formFieldPath('lines.2.unit_price')).toEqual(['lines', 2, 'unit_price']);
    expect(formFieldPath('supplier')).toEqual(['supplier']);
    expect(formFieldPath('lines')).toBeNull();
    expect(formFieldPath('lines[0].schedule')).toBeNull();
    expect(formFieldPath('number')).toBeNull();
    expect(formFieldPath(undefined)).toBeNull();
  });
});
