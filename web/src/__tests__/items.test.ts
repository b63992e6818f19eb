import { describe, expect, it } from 'vitest';
import { bucketLabel, itemName, visibleFields } from '../items';
import type { Item } from '../types';

describe('visibleFields', () => {
  it('lists the fields present, masked ones included, hidden ones left out', () => {
    const item: Item = { sku: 'FR-0001', name_zh: '柠檬', standard_cost: '***', base_unit: 'kg' };
    expect(visibleFields(item)).toEqual(['sku', 'name_zh', 'base_unit', 'standard_cost']);
  });
});

describe('itemName', () => {
  it('prefers the console language and falls back to the other name, then the SKU', () => {
    const item: Item = { sku: 'FR-0001', name_zh: '柠檬', name_en: 'Lemon' };
    expect(itemName(item, 'zh-CN')).toBe('柠檬');
    expect(itemName(item, 'en')).toBe('Lemon');
    expect(itemName({ sku: 'FR-0001', name_zh: '柠檬' }, 'en')).toBe('柠檬');
    expect(itemName({ sku: 'FR-0001' }, 'en')).toBe('FR-0001');
  });
});

describe('bucketLabel', () => {
  it('joins site, translated state, lot and bin', () => {
    expect(bucketLabel({ site: 'WH-SH', state: 'available', lot: 'L2026-11', bin: null }, 'zh-CN')).toBe(
      'WH-SH · 可用 · L2026-11',
    );
  });
});
