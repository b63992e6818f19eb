/** Voucher arithmetic and the vouchers page's choices (pure). */
import type { Organisation, VoucherLine } from './documentTypes';
import { sameDecimal, sumDecimals } from './format';
import type { Lang } from './i18n';

export interface VoucherTotals {
  debit: string | null;
  credit: string | null;
  /** Σ debit = Σ credit (and = the voucher's total when one is given). */
  balanced: boolean;
}

export function voucherTotals(lines: readonly VoucherLine[], total?: string | null): VoucherTotals {
  const debit = sumDecimals(lines.map((line) => line.debit));
  const credit = sumDecimals(lines.map((line) => line.credit));
  const balanced = sameDecimal(debit, credit) && (total === undefined || total === null || sameDecimal(debit, total));
  return { debit, credit, balanced };
}

export function accountName(line: VoucherLine, lang: Lang): string {
  return (lang === 'zh-CN' ? line.account_name_zh : line.account_name_en) || line.account_name_zh || line.account;
}

export function lineSummary(line: VoucherLine, lang: Lang): string {
  return (lang === 'zh-CN' ? line.summary_zh : line.summary_en) || line.summary_zh || line.summary_en;
}

/** The auxiliary dimensions (辅助核算) a line carries, for one compact cell. */
export function lineDimensions(line: VoucherLine): string[] {
  return [line.partner, line.item, line.site, line.department].filter((part): part is string => Boolean(part));
}

export function organisationName(org: Organisation, lang: Lang): string {
  return (lang === 'zh-CN' ? org.name_zh : org.name_en) || org.name_zh || org.name_en || org.code;
}

/** The organisation to show first: the one asked for, else `preferred` (e.g. the newest document's), else the first. */
export function defaultOrganisation(
  orgs: readonly Organisation[],
  asked: string | null | undefined,
  preferred: string | null | undefined,
): string | null {
  const codes = orgs.map((org) => org.code);
  if (asked && codes.includes(asked)) return asked;
  if (preferred && codes.includes(preferred)) return preferred;
  return codes[0] ?? null;
}

/** The file name of a download from its Content-Disposition header. */
export function filenameFromDisposition(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"([^"]+)"|filename\s*=\s*([^;]+)/.exec(header);
  const name = (plain?.[1] ?? plain?.[2])?.trim();
  return name || fallback;
}
