/**
 * The API's own words for a failed request, taken from the response body:
 * the NSX error body (`error_code`, `error_message`, `related_errors`), a
 * vCenter REST error (`messages[].default_message`), a SOAP fault
 * (`faultstring` and the fault type), or the text itself, shortened.
 */
const MAX_TEXT = 300;

export interface ApiMessage {
  readonly message?: string;
  /** the API's error code (NSX `error_code`) or fault type (SOAP `NotAuthenticated`) */
  readonly code?: string | number;
}

interface NsxError {
  error_code?: unknown;
  error_message?: unknown;
  related_errors?: unknown;
}

function nsxMessage(e: NsxError): ApiMessage | undefined {
  if (typeof e.error_message !== 'string') return undefined;
  const related = Array.isArray(e.related_errors) ? (e.related_errors as unknown[]).map((r) => textField(r, 'error_message')).filter((m) => m !== undefined) : [];
  const message = related.length ? `${e.error_message} (${related.join('; ')})` : e.error_message;
  const code = typeof e.error_code === 'number' || typeof e.error_code === 'string' ? e.error_code : undefined;
  return { message, ...(code !== undefined ? { code } : {}) };
}

/** `o[key]` when `o` is an object whose `key` is a string. */
function textField(o: unknown, key: string): string | undefined {
  const v = o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function jsonMessage(data: Record<string, unknown>): ApiMessage | undefined {
  const nsx = nsxMessage(data);
  if (nsx) return nsx;
  // vSphere Automation REST: {error_type, messages: [{default_message}]}
  if (Array.isArray(data.messages)) {
    const texts = (data.messages as unknown[]).map((m) => textField(m, 'default_message')).filter((m) => m !== undefined);
    if (texts.length) return { message: texts.join('; '), ...(typeof data.error_type === 'string' ? { code: data.error_type } : {}) };
  }
  for (const key of ['message', 'error_message', 'error', 'detail']) {
    const v = data[key];
    if (typeof v === 'string' && v) return { message: v };
  }
  return undefined;
}

/** `<faultstring>` and the fault's type (`<detail><NotAuthenticatedFault …>` or `xsi:type="NotAuthenticated"`). */
export function soapFault(text: string): ApiMessage | undefined {
  const fs = /<(?:\w+:)?faultstring[^>]*>([\s\S]*?)<\/(?:\w+:)?faultstring>/.exec(text);
  if (!fs) return undefined;
  const type =
    /<detail[^>]*>\s*<(?:\w+:)?(\w+?)(?:Fault)?[\s>/]/.exec(text)?.[1] ?? /xsi:type="(?:\w+:)?(\w+)"/.exec(text)?.[1];
  return { message: unescapeXml(fs[1]!.trim()), ...(type ? { code: type } : {}) };
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

function shorten(text: string): string {
  const t = text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT)}…` : t;
}

export function apiMessage(data: unknown): ApiMessage {
  if (data && typeof data === 'object' && !Array.isArray(data)) return jsonMessage(data as Record<string, unknown>) ?? { message: shorten(JSON.stringify(data)) };
  if (typeof data === 'string' && data.trim()) return soapFault(data) ?? { message: shorten(data) };
  return {};
}
