import { describe, expect, it } from 'vitest';
import type { Organisation, VoucherLine } from '../documentTypes';
import {
  accountName,
  defaultOrganisation,
  filenameFromDisposition,
  lineDimensions,
  lineSummary,
  voucherTotals,
} from '../vouchers';

const line = (account: string, debit: string, credit: string, extra: Partial<VoucherLine> = {}): VoucherLine => ({
  line_no: 1,
  account,
  account_name_zh: '库存商品',
  account_name_en: 'Merchandise inventory',
  debit,
  credit,
  summary_zh: '采购入库 GR-1',
  summary_en: 'Purchase receipt GR-1',
  partner: null,
  item: null,
  site: null,
  department: null,
  quantity: null,
  ...extra,
});

const org = (code: string): Organisation => ({ code, name_zh: `${code} 中文`, name_en: '', relation: 'direct', parent_code: null });

describe('voucherTotals', () => {
  const lines = [line('1405', '6072.00', '0.00'), line('22210101', '990.21', '0.00'), line('2202', '0.00', '8607.21'), line('1405', '1545.00', '0')];

  it('adds debit and credit exactly and checks them against the total', () => {
    expect(voucherTotals(lines, '8607.21')).toEqual({ debit: '8607.21', credit: '8607.21', balanced: true });
    expect(voucherTotals(lines).balanced).toBe(true);
    expect(voucherTotals(lines, '8607.20').balanced).toBe(false);
  });

  it('notices an unbalanced voucher', () => {
    expect(voucherTotals([line('1405', '0.1', '0'), line('2202', '0', '0.2')])).toEqual({ debit: '0.1', credit: '0.2', balanced: false });
  });

  it('has no total for masked amounts', () => {
    expect(voucherTotals([line('1405', '***', '0')])).toEqual({ debit: null, credit: '0', balanced: false });
  });
});

describe('voucher lines', () => {
  it('reads names and summaries in the console language', () => {
    const l = line('1405', '1', '0', { partner: 'SUP-1', item: 'FR-1', site: 'WH-SH' });
    expect(accountName(l, 'zh-CN')).toBe('库存商品');
    expect(accountName(l, 'en')).toBe('Merchandise inventory');
    expect(accountName({ ...l, account_name_en: '' }, 'en')).toBe('库存商品');
    expect(lineSummary(l, 'en')).toBe('Purchase receipt GR-1');
    expect(lineDimensions(l)).toEqual(['SUP-1', 'FR-1', 'WH-SH']);
  });
});

describe('the vouchers page', () => {
  const orgs = [org('FR-HZ'), org('XD-EC')];

  it('starts with the asked organisation, else the preferred one, else the first', () => {
    expect(defaultOrganisation(orgs, 'FR-HZ', 'XD-EC')).toBe('FR-HZ');
    expect(defaultOrganisation(orgs, 'NOPE', 'XD-EC')).toBe('XD-EC');
    expect(defaultOrganisation(orgs, null, null)).toBe('FR-HZ');
    expect(defaultOrganisation([], null, 'XD-EC')).toBeNull();
  });

  it('takes the download name from Content-Disposition', () => {
    expect(filenameFromDisposition('attachment; filename="jxc-vouchers-20261201-120000.xlsx"', 'x.xlsx')).toBe(
      'jxc-vouchers-20261201-120000.xlsx',
    );
    expect(filenameFromDisposition("attachment; filename*=UTF-8''%E5%87%AD%E8%AF%81.xlsx", 'x.xlsx')).toBe('凭证.xlsx');
    expect(filenameFromDisposition('attachment; filename=plain.csv', 'x')).toBe('plain.csv');
    expect(filenameFromDisposition(null, 'x.xlsx')).toBe('x.xlsx');
  });
});
