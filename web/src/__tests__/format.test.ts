import { describe, expect, it } from 'vitest';
import {
  BLANK,
  compareDecimals,
  formatDate,
  formatMoney,
  formatQuantity,
  isMasked,
  isPositiveDecimal,
  sameDecimal,
  subtractDecimals,
  sumDecimals,
  toChartNumber,
} from '../format';

describe('isMasked', () => {
  it('recognises the server mask and nothing else', () => {
    expect(isMasked('***')).toBe(true);
    expect(isMasked('12.50')).toBe(false);
    expect(isMasked('**')).toBe(false);
    expect(isMasked(null)).toBe(false);
    expect(isMasked(undefined)).toBe(false);
  });
});

describe('formatQuantity', () => {
  it.each([
    ['24', '24'],
    ['0.5', '0.5'],
    ['1234567.500', '1,234,567.5'],
    ['-1234', '-1,234'],
    ['130.000', '130'],
    ['007', '7'],
    ['-0.000', '0'],
    ['12345678901234567890.123456789', '12,345,678,901,234,567,890.123456789'],
    ['4E+1', '40'],
    ['1.25E+4', '12,500'],
    ['-1.5e-3', '-0.0015'],
    ['5.', '5'],
  ])('%s → %s', (input, expected) => {
    expect(formatQuantity(input)).toBe(expected);
  });

  it('shows blanks as a dash and other text unchanged', () => {
    expect(formatQuantity(null)).toBe(BLANK);
    expect(formatQuantity('')).toBe(BLANK);
    expect(formatQuantity('***')).toBe('***');
    expect(formatQuantity('n/a')).toBe('n/a');
  });
});

describe('toChartNumber', () => {
  it('parses decimals and counts anything else as zero', () => {
    expect(toChartNumber('12.5')).toBe(12.5);
    expect(toChartNumber('4E+1')).toBe(40);
    expect(toChartNumber('***')).toBe(0);
    expect(toChartNumber(undefined)).toBe(0);
  });
});

describe('formatMoney', () => {
  it.each([
    ['87010.00', '87,010.00'],
    ['87010', '87,010.00'],
    ['38.5', '38.50'],
    ['12.345600', '12.3456'],
    ['-1234.5', '-1,234.50'],
    ['1E+3', '1,000.00'],
    ['0', '0.00'],
  ])('%s → %s', (input, expected) => {
    expect(formatMoney(input)).toBe(expected);
  });

  it('leaves blanks, masks and text alone', () => {
    expect(formatMoney(null)).toBe(BLANK);
    expect(formatMoney('***')).toBe('***');
    expect(formatMoney('n/a')).toBe('n/a');
  });
});

describe('sumDecimals and sameDecimal', () => {
  it('adds without floating point', () => {
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['6072.00', '990.21', '0.00', '1545.00'])).toBe('8607.21');
    expect(sumDecimals(['12345678901234567890.01', '0.99'])).toBe('12345678901234567891');
    expect(sumDecimals(['-5', '2.5'])).toBe('-2.5');
    expect(sumDecimals(['1', null, '', undefined])).toBe('1');
    expect(sumDecimals([])).toBe('0');
  });

  it('gives up on non-numbers', () => {
    expect(sumDecimals(['1', '***'])).toBeNull();
  });

  it('compares decimal strings by value', () => {
    expect(sameDecimal('8607.21', '8607.210')).toBe(true);
    expect(sameDecimal('1', '1.01')).toBe(false);
    expect(sameDecimal(null, '0')).toBe(false);
    expect(sameDecimal('***', '***')).toBe(false);
  });

  it('cuts a date-time to its date', () => {
    expect(formatDate('2026-12-01T10:00:00Z')).toBe('2026-12-01');
    expect(formatDate(null)).toBe(BLANK);
  });
});

describe('subtractDecimals, compareDecimals and isPositiveDecimal', () => {
  it('subtracts exactly, where floating point would not', () => {
    expect(subtractDecimals('0.3', '0.1')).toBe('0.2'); // 0.3 - 0.1 = 0.19999999999999998 in floats
    expect(subtractDecimals('120.000', '45.5')).toBe('74.5');
    expect(subtractDecimals('10', '10.000')).toBe('0');
    expect(subtractDecimals('3', '5.25')).toBe('-2.25');
    expect(subtractDecimals('1E+2', '0.01')).toBe('99.99');
    expect(subtractDecimals('99999999999999999999.99', '0.01')).toBe('99999999999999999999.98');
    expect(subtractDecimals('5', '-2')).toBe('7');
    expect(subtractDecimals('0', '0')).toBe('0');
  });

  it('counts a blank operand as zero and refuses text that is not a number', () => {
    expect(subtractDecimals('7', null)).toBe('7');
    expect(subtractDecimals('7', '')).toBe('7');
    expect(subtractDecimals(undefined, '2')).toBe('-2');
    expect(subtractDecimals('7', '***')).toBeNull();
    expect(subtractDecimals('abc', '1')).toBeNull();
  });

  it('compares by value', () => {
    expect(compareDecimals('10', '9.999')).toBe(1);
    expect(compareDecimals('0.10', '0.1')).toBe(0);
    expect(compareDecimals('-1', '0')).toBe(-1);
    expect(compareDecimals('x', '1')).toBeNull();
    expect(compareDecimals(null, '1')).toBeNull();
  });

  it('tells positive quantities from zero, negatives and blanks', () => {
    expect(isPositiveDecimal('0.001')).toBe(true);
    expect(isPositiveDecimal('12')).toBe(true);
    expect(isPositiveDecimal('0')).toBe(false);
    expect(isPositiveDecimal('0.000')).toBe(false);
    expect(isPositiveDecimal('-3')).toBe(false);
    expect(isPositiveDecimal('')).toBe(false);
    expect(isPositiveDecimal(undefined)).toBe(false);
    expect(isPositiveDecimal('abc')).toBe(false);
  });
});
