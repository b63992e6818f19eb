import { describe, expect, it } from 'vitest';
import { DICTIONARIES, interpolate, stateLabel, t, toLang, translate, type Dictionaries } from '../i18n';

describe('translate', () => {
  const dicts: Dictionaries = { en: { hello: 'Hello {name}', only_en: 'English only' }, 'zh-CN': { hello: '你好 {name}' } };

  it('uses the chosen language', () => {
    expect(translate(dicts, 'zh-CN', 'hello', { name: '王' })).toBe('你好 王');
  });

  it('falls back to English when the language lacks the key', () => {
    expect(translate(dicts, 'zh-CN', 'only_en')).toBe('English only');
  });

  it('falls back to the key itself when no language has it', () => {
    expect(translate(dicts, 'zh-CN', 'no.such.key')).toBe('no.such.key');
  });
});

describe('the built-in dictionaries', () => {
  it('have the same keys in both languages', () => {
    expect(Object.keys(DICTIONARIES['zh-CN']).sort()).toEqual(Object.keys(DICTIONARIES.en).sort());
  });

  it('default strings to Chinese and English as asked', () => {
    expect(t('zh-CN', 'menu.stock')).toBe('库存总览');
    expect(t('en', 'menu.items')).toBe('Items');
    expect(t('en', 'items.page', { page: 3 })).toBe('Page 3');
  });
});

describe('stateLabel', () => {
  it('translates the built-in states', () => {
    expect(stateLabel('zh-CN', 'qc_hold')).toBe('质检冻结');
    expect(stateLabel('zh-CN', 'consigned_out')).toBe('寄售在外');
    expect(stateLabel('en', 'in_transit')).toBe('In transit');
  });

  it('shows a configured state without translation by its code', () => {
    expect(stateLabel('zh-CN', 'quarantine')).toBe('quarantine');
  });
});

describe('interpolate and toLang', () => {
  it('leaves unknown placeholders alone', () => {
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('maps language tags to the supported languages', () => {
    expect(toLang('zh')).toBe('zh-CN');
    expect(toLang('zh-Hans-CN')).toBe('zh-CN');
    expect(toLang('en-GB')).toBe('en');
    expect(toLang('fr')).toBeNull();
    expect(toLang(null)).toBeNull();
  });
});
