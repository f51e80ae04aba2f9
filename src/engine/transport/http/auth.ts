/**
 * How an HTTP connection authenticates: a small strategy object per mode, so
 * a module family with its own login (vim25 SOAP) can supply one without
 * touching the client. The client
 *  - calls `login(send)` before the first request when `ready()` is false,
 *  - adds `headers()` to every request,
 *  - asks `onRejected(res)` about a 401/403/500 answer: 'relogin' logs in
 *    again and resends the request once; 'fail' lets the error through.
 * Strategies reveal the password only inside `headers()` and `login()`, and
 * list every clear-text credential in `secrets()` so the client can keep them
 * out of messages.
 */
import type { Secret } from '../../secret.js';
import type { HttpRequest } from '../http-api.js';

/** A response as the client received it, before any status handling. */
export interface RawResponse {
  readonly status: number;
  readonly statusText: string;
  /** lower-case names; set-cookie stays a list */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  /** parsed JSON when the response is JSON, the text otherwise */
  readonly data: unknown;
}

/** Sends a request through the connection's transport (base URL, TLS, timeouts, 429/503 retries) without authentication. */
export type RawSend = (req: HttpRequest) => Promise<RawResponse>;

export interface Credentials {
  readonly user: string;
  readonly password: Secret;
}

export interface HttpAuth {
  readonly kind: string;
  /** is a session open (or needs none)? */
  ready(): boolean;
  /** opens a session; throws an HttpUnreachableError('auth') when the credentials are refused */
  login(send: RawSend): Promise<void>;
  /** headers that carry the credentials or the session */
  headers(): Readonly<Record<string, string>>;
  /** a rejected answer: did the session expire ('relogin') or is it final ('fail')? */
  onRejected(res: RawResponse): 'relogin' | 'fail';
  /** ends the session, if any (best effort) */
  logout?(send: RawSend): Promise<void>;
  /** clear-text values that must never appear in a message */
  secrets(): readonly string[];
}

export class NoAuth implements HttpAuth {
  readonly kind = 'none';
  ready(): boolean {
    return true;
  }
  async login(): Promise<void> {}
  headers(): Record<string, string> {
    return {};
  }
  onRejected(): 'fail' {
    return 'fail';
  }
  secrets(): readonly string[] {
    return [];
  }
}

export class BasicAuth implements HttpAuth {
  readonly kind = 'basic';
  constructor(private readonly creds: Credentials) {}
  ready(): boolean {
    return true;
  }
  async login(): Promise<void> {}
  headers(): Record<string, string> {
    return { authorization: `Basic ${this.#token()}` };
  }
  onRejected(): 'fail' {
    return 'fail';
  }
  secrets(): readonly string[] {
    return [...wireForms(this.creds.password.reveal()), this.#token()];
  }
  #token(): string {
    return Buffer.from(`${this.creds.user}:${this.creds.password.reveal()}`).toString('base64');
  }
}

/**
 * A secret and the forms it takes on the wire (URL-encoded in a login form,
 * XML-escaped in a SOAP envelope, escaped in JSON), so an API that echoes a
 * request back cannot print it in any of them.
 */
export function wireForms(value: string): string[] {
  const forms = new Set([
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'),
    JSON.stringify(value).slice(1, -1),
  ]);
  return [...forms];
}

/** Cookies from `set-cookie` headers, name → value. */
export function setCookies(headers: RawResponse['headers']): Map<string, string> {
  const raw = headers['set-cookie'];
  const list = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  const out = new Map<string, string>();
  for (const c of list) {
    const m = /^\s*([^=;\s]+)=([^;]*)/.exec(c);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

export function headerValue(headers: RawResponse['headers'], name: string): string | undefined {
  const v = headers[name];
  return v === undefined ? undefined : typeof v === 'string' ? v : v.join(', ');
}
