import { describe, expect, it } from 'vitest';
import { BLANK, formatQuantity, isMasked, toChartNumber } from '../format';

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
