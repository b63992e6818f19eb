/**
 * RFC 9457 problem details as the jxc API sends them (see docs/api.md), and how to show one.
 *
 * `parseProblem` never throws: a body that is not a problem document becomes a generic problem
 * carrying the HTTP status, so callers always have something to show.
 */
import type { Lang } from './i18n';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  field?: string;
  detail?: string;
  messages?: Partial<Record<string, string>>;
  params?: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown): Partial<Record<string, string>> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Partial<Record<string, string>> = {};
  for (const [key, text] of Object.entries(value)) if (typeof text === 'string') out[key] = text;
  return out;
}

/** A problem from a response's status and body text (JSON or not). */
export function parseProblem(status: number, body: string): Problem {
  let data: unknown = null;
  try {
    data = body ? JSON.parse(body) : null;
  } catch {
    data = null;
  }
  if (!isRecord(data)) {
    return { type: 'about:blank', title: body.trim().slice(0, 200) || `HTTP ${status}`, status, code: `http.${status}` };
  }
  const str = (key: string): string | undefined => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
  // FastAPI's own validation errors use {"detail": [...]}; keep them readable.
  const detail = str('detail') ?? (Array.isArray(data.detail) ? JSON.stringify(data.detail) : undefined);
  return {
    type: str('type') ?? 'about:blank',
    title: str('title') ?? detail ?? `HTTP ${status}`,
    status: typeof data.status === 'number' ? data.status : status,
    code: str('code') ?? `http.${status}`,
    field: str('field'),
    detail,
    messages: stringMap(data.messages),
    params: isRecord(data.params) ? data.params : undefined,
  };
}

/** The text to show: the message in `lang`, else English, else the detail or title. */
export function problemMessage(problem: Problem, lang: Lang): string {
  const messages = problem.messages ?? {};
  const prefix = lang.split('-')[0] ?? lang;
  const sameFamily = Object.keys(messages).find((key) => key.split('-')[0] === prefix);
  return (
    messages[lang] ?? (sameFamily ? messages[sameFamily] : undefined) ?? messages.en ?? problem.detail ?? problem.title
  );
}
