/**
 * Every user-visible string of the console, in English and 简体中文.
 *
 * Invariants: `zh` has exactly the keys of `en` (the type enforces it); a lookup never throws —
 * a key missing in the chosen language falls back to English, and an unknown key to itself.
 */

import { documentsEn, documentsZh } from './i18nDocuments';
import { replenishmentEn, replenishmentZh } from './i18nReplenishment';

export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];
export const DEFAULT_LANG: Lang = 'zh-CN';
export const LANG_STORAGE_KEY = 'jxc.lang';

const en = {
  'app.title': 'jxc console',
  'menu.stock': 'Stock overview',
  'menu.items': 'Items',
  'header.logout': 'Log out',
  'header.language': 'Language',
  'lang.zh-CN': '简体中文',
  'lang.en': 'English',
  'login.title': 'Sign in to jxc',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.usernameRequired': 'Enter your username',
  'login.passwordRequired': 'Enter your password',
  'stock.title': 'Stock overview by site',
  'stock.chart': 'Quantity per site by state',
  'stock.table': 'Quantity per site',
  'stock.site': 'Site',
  'stock.name': 'Name',
  'stock.total': 'Total',
  'items.title': 'Items',
  'items.search': 'Search SKU, name or barcode',
  'items.prev': 'Previous',
  'items.next': 'Next',
  'items.page': 'Page {page}',
  'item.sku': 'SKU',
  'item.name': 'Name',
  'item.name_zh': 'Chinese name',
  'item.name_en': 'English name',
  'item.category': 'Category',
  'item.base_unit': 'Base unit',
  'item.units': 'Units',
  'item.barcodes': 'Barcodes',
  'item.tracking': 'Tracking',
  'item.shelf_life_days': 'Shelf life (days)',
  'item.storage_min_c': 'Min. storage °C',
  'item.storage_max_c': 'Max. storage °C',
  'item.abc_class': 'ABC class',
  'item.attributes': 'Attributes',
  'item.standard_cost': 'Standard cost',
  'item.back': 'Back to items',
  'item.masked': 'Hidden for your role',
  'atp.title': 'Available to promise',
  'atp.by.site': 'Site',
  'atp.by.org': 'Organisation',
  'atp.by.region': 'Region',
  'atp.by.network': 'Network',
  'atp.key': 'Group',
  'atp.byState': 'By state',
  'atp.available': 'Available',
  'atp.unreservedCommitments': 'Unreserved commitments',
  'atp.scheduledReceipts': 'Scheduled receipts',
  'atp.atp': 'ATP',
  'atp.sites': 'Sites',
  'atp.asOf': 'As of {asOf}, horizon until {end}',
  'movements.title': 'Movement history',
  'movements.time': 'Time',
  'movements.kind': 'Kind',
  'movements.quantity': 'Quantity',
  'movements.from': 'From',
  'movements.to': 'To',
  'movements.document': 'Document',
  'movements.more': 'Load more',
  'common.empty': 'No data',
  'common.notFound': 'Page not found',
  'common.home': 'Home',
  'common.retry': 'Retry',
  'error.network': 'Network error: the server cannot be reached',
  'error.http': 'Request failed (HTTP {status})',
  'error.sessionExpired': 'Your session has expired, please sign in again',
  'state.available': 'Available',
  'state.in_transit': 'In transit',
  'state.pending_qc': 'Pending QC',
  'state.qc_hold': 'QC hold',
  'state.reserved': 'Reserved',
  'state.promo_reserved': 'Promo-reserved',
  'state.sample_locked': 'Sample-locked',
  'state.frozen': 'Frozen',
  'state.damaged': 'Damaged',
  'state.returned_pending': 'Returned, pending',
  'state.picked': 'Picked',
  'state.consigned_out': 'Consigned out',
  ...documentsEn,
  ...replenishmentEn,
} as const;

export type MessageKey = keyof typeof en;
export type Dictionary = Readonly<Record<MessageKey, string>>;

const zh: Dictionary = {
  'app.title': 'jxc 进销存',
  'menu.stock': '库存总览',
  'menu.items': '物料',
  'header.logout': '退出登录',
  'header.language': '语言',
  'lang.zh-CN': '简体中文',
  'lang.en': 'English',
  'login.title': '登录 jxc',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.usernameRequired': '请输入用户名',
  'login.passwordRequired': '请输入密码',
  'stock.title': '按站点库存总览',
  'stock.chart': '各站点分状态数量',
  'stock.table': '各站点数量',
  'stock.site': '站点',
  'stock.name': '名称',
  'stock.total': '合计',
  'items.title': '物料',
  'items.search': '搜索 SKU、名称或条码',
  'items.prev': '上一页',
  'items.next': '下一页',
  'items.page': '第 {page} 页',
  'item.sku': 'SKU',
  'item.name': '名称',
  'item.name_zh': '中文名称',
  'item.name_en': '英文名称',
  'item.category': '类别',
  'item.base_unit': '基本单位',
  'item.units': '单位换算',
  'item.barcodes': '条码',
  'item.tracking': '追踪方式',
  'item.shelf_life_days': '保质期(天)',
  'item.storage_min_c': '最低储存温度 °C',
  'item.storage_max_c': '最高储存温度 °C',
  'item.abc_class': 'ABC 分类',
  'item.attributes': '属性',
  'item.standard_cost': '标准成本',
  'item.back': '返回物料列表',
  'item.masked': '无权查看',
  'atp.title': '可承诺量 (ATP)',
  'atp.by.site': '站点',
  'atp.by.org': '组织',
  'atp.by.region': '区域',
  'atp.by.network': '全网',
  'atp.key': '分组',
  'atp.byState': '分状态',
  'atp.available': '可用',
  'atp.unreservedCommitments': '未预留承诺',
  'atp.scheduledReceipts': '计划入库',
  'atp.atp': '可承诺量',
  'atp.sites': '站点',
  'atp.asOf': '截至 {asOf},展望至 {end}',
  'movements.title': '移动历史',
  'movements.time': '时间',
  'movements.kind': '类型',
  'movements.quantity': '数量',
  'movements.from': '来源',
  'movements.to': '去向',
  'movements.document': '单据',
  'movements.more': '加载更多',
  'common.empty': '暂无数据',
  'common.notFound': '页面不存在',
  'common.home': '首页',
  'common.retry': '重试',
  'error.network': '网络错误:无法连接服务器',
  'error.http': '请求失败 (HTTP {status})',
  'error.sessionExpired': '登录已过期,请重新登录',
  'state.available': '可用',
  'state.in_transit': '在途',
  'state.pending_qc': '待检',
  'state.qc_hold': '质检冻结',
  'state.reserved': '已预留',
  'state.promo_reserved': '促销预留',
  'state.sample_locked': '样品锁定',
  'state.frozen': '冻结',
  'state.damaged': '残损',
  'state.returned_pending': '退货待检',
  'state.picked': '已拣货',
  'state.consigned_out': '寄售在外',
  ...documentsZh,
  ...replenishmentZh,
};

export type Dictionaries = Readonly<Record<Lang, Partial<Record<string, string>>>>;
export const DICTIONARIES: Dictionaries = { en, 'zh-CN': zh };

export type Params = Readonly<Record<string, string | number>>;

/** Fill `{name}` placeholders; unknown placeholders stay as written. */
export function interpolate(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** Look a key up in `lang`, then in English, then give the key itself back. */
export function translate(dicts: Dictionaries, lang: Lang, key: string, params?: Params): string {
  const text = dicts[lang][key] ?? dicts.en[key] ?? key;
  return interpolate(text, params);
}

/** The console's lookup over the built-in dictionaries. */
export function t(lang: Lang, key: MessageKey, params?: Params): string {
  return translate(DICTIONARIES, lang, key, params);
}

/** A stock state's label; configured states without a translation show their code. */
export function stateLabel(lang: Lang, state: string): string {
  return translate(DICTIONARIES, lang, `state.${state}`).replace(/^state\./, '');
}

/**
 * The label of a code the API sends (`docType`, `docStatus`, `voucherKind` …): its translation
 * under `prefix`, else — for codes this console does not know — the code itself.
 */
export function codeLabel(lang: Lang, prefix: string, code: string | null | undefined): string {
  if (!code) return '';
  const key = `${prefix}.${code}`;
  const text = translate(DICTIONARIES, lang, key);
  return text === key ? code : text;
}

/** Normalise a stored or browser language tag to a supported one (zh* → zh-CN, else en). */
export function toLang(tag: string | null | undefined): Lang | null {
  if (!tag) return null;
  const lower = tag.toLowerCase();
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('en')) return 'en';
  return null;
}
