/**
 * Requests and answers on the wire: bodies encoded (an object as JSON, a
 * string or Buffer as it is), answers decoded (JSON by content type, text
 * otherwise) and, for callers, stripped of the headers that carry the session.
 */
import type { AxiosResponse } from 'axios';
import type { HttpResponse } from '../http-api.js';
import type { RawResponse } from './auth.js';

/** Response headers a caller never sees: they carry the session. */
const HIDDEN_RESPONSE_HEADERS: ReadonlySet<string> = new Set(['set-cookie', 'x-xsrf-token', 'vmware-api-session-id', 'authorization']);

export function lowerKeys(h: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

export function encodeBody(body: unknown): { data?: string | Buffer; type?: string } {
  if (body === undefined) return {};
  if (typeof body === 'string') return { data: body };
  if (Buffer.isBuffer(body)) return { data: body };
  return { data: JSON.stringify(body), type: 'application/json' };
}

/** The client asks for text (responseType 'text', no transform), so `data` is a string; anything else is made text. */
export function toRaw(r: AxiosResponse<unknown>): RawResponse {
  const headers: Record<string, string | readonly string[]> = {};
  // axios' header values (AxiosHeaderValue, less its AxiosHeaders instances, which responses do not carry)
  for (const [k, v] of Object.entries(r.headers as Record<string, string | string[] | number | boolean | null | undefined>)) {
    if (v === undefined || v === null) continue;
    headers[k.toLowerCase()] = Array.isArray(v) ? v.map(String) : String(v);
  }
  const text = typeof r.data === 'string' ? r.data : r.data === undefined || r.data === null ? '' : JSON.stringify(r.data);
  return { status: r.status, statusText: r.statusText || '', headers, data: parseBody(text, headerText({ headers }, 'content-type')) };
}

export function parseBody(text: string, contentType: string | undefined): unknown {
  if (text !== '' && (/json/i.test(contentType ?? '') || (!contentType && /^\s*[[{]/.test(text)))) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export function headerText(res: Pick<RawResponse, 'headers'>, name: string): string | undefined {
  const v = res.headers[name];
  return v === undefined ? undefined : typeof v === 'string' ? v : v.join(', ');
}

export function shape<T>(res: RawResponse): HttpResponse<T> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (!HIDDEN_RESPONSE_HEADERS.has(k)) headers[k] = typeof v === 'string' ? v : v.join(', ');
  return { status: res.status, headers, data: res.data as T };
}
