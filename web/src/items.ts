/** What the item page shows, decided on plain data. */
import { stateLabel, type Lang, type MessageKey } from './i18n';
import type { BucketRef, Item } from './types';

/** The fields of an item in display order; the ones a role may not see are absent or "***". */
export const ITEM_FIELDS = [
  'sku',
  'name_zh',
  'name_en',
  'category',
  'base_unit',
  'units',
  'barcodes',
  'tracking',
  'shelf_life_days',
  'storage_min_c',
  'storage_max_c',
  'abc_class',
  'standard_cost',
  'attributes',
] as const satisfies readonly (keyof Item)[];

export type ItemField = (typeof ITEM_FIELDS)[number];

/** Fields present in the response; a field the server left out (hidden for the role) is skipped. */
export function visibleFields(item: Item): ItemField[] {
  return ITEM_FIELDS.filter((field) => Object.prototype.hasOwnProperty.call(item, field));
}

export function fieldLabelKey(field: ItemField): MessageKey {
  return `item.${field}`;
}

/** The item's name in the console language, else the other one, else its SKU. */
export function itemName(item: Item, lang: Lang): string {
  const [first, second] = lang === 'zh-CN' ? [item.name_zh, item.name_en] : [item.name_en, item.name_zh];
  return first || second || item.sku;
}

/** "WH-SH · 可用 · L2026-11 · A-01-02": where a movement came from or went to. */
export function bucketLabel(bucket: BucketRef | null | undefined, lang: Lang): string {
  if (!bucket) return '—';
  const parts = [bucket.site, bucket.state ? stateLabel(lang, bucket.state) : null, bucket.lot, bucket.bin];
  return parts.filter((part): part is string => Boolean(part)).join(' · ');
}
