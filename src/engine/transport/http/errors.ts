/**
 * Errors of the HTTP connection. An HttpError is a request the API answered
 * with a status the caller did not accept; an HttpUnreachableError is an API
 * that could not be reached at all (refused, DNS, TLS, timeout, rejected
 * credentials), so the host shows as unreachable and the other hosts go on.
 * Messages carry the method, the URL without secrets, the status and the
 * API's own message; never credentials or session tokens.
 */
import { apiMessage } from './api-message.js';
import { TsplayError, UnreachableError } from '../../errors.js';

export interface HttpErrorFields {
  readonly host: string;
  readonly method: string;
  /** the URL without credentials or secret query values */
  readonly url: string;
  readonly status: number;
  readonly statusText?: string;
  /** the API's own message (NSX error_message, SOAP faultstring, the text) */
  readonly apiMessage?: string;
  /** the API's error code or SOAP fault type */
  readonly apiCode?: string | number;
  /** how many times the request was sent */
  readonly attempts?: number;
}

/** An HTTP API answered with a status outside 2xx and the request's `accept` list. */
export class HttpError extends TsplayError {
  readonly code = 'E_HTTP';
  readonly host: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly apiMessage: string | undefined;
  readonly apiCode: string | number | undefined;
  readonly attempts: number;

  constructor(f: HttpErrorFields, opts: { hint?: string } = {}) {
    const status = `${f.status}${f.statusText ? ` ${f.statusText}` : ''}`;
    const api = f.apiMessage ? `: ${f.apiMessage}${f.apiCode !== undefined ? ` (${f.apiCode})` : ''}` : f.apiCode !== undefined ? ` (${f.apiCode})` : '';
    const tries = f.attempts && f.attempts > 1 ? ` after ${f.attempts} attempts` : '';
    super(`${f.method} ${f.url} failed with ${status}${tries}${api}`, opts);
    this.host = f.host;
    this.method = f.method;
    this.url = f.url;
    this.status = f.status;
    this.apiMessage = f.apiMessage;
    this.apiCode = f.apiCode;
    this.attempts = f.attempts ?? 1;
  }

  static override isInstance(e: unknown): e is HttpError {
    return TsplayError.isInstance(e) && e.code === 'E_HTTP';
  }
}

export type HttpFailure = 'refused' | 'dns' | 'network' | 'timeout' | 'tls' | 'auth' | 'reset';

export class HttpUnreachableError extends UnreachableError {
  /** what failed, stable for callers and tests */
  readonly failure: HttpFailure;
  constructor(host: string, failure: HttpFailure, message: string, opts: { hint?: string } = {}) {
    super(host, `${host}: ${message}`, opts);
    this.failure = failure;
  }
}

/**
 * A session login the API refused, or answered without the session it should carry
 * (`missing`, e.g. "no JSESSIONID cookie"): the host is unreachable with these credentials.
 */
export function loginRefused(host: string, service: string, user: string, res: { status: number; data: unknown }, missing: string): HttpUnreachableError {
  const ok = res.status >= 200 && res.status < 300;
  const api = apiMessage(res.data).message;
  return new HttpUnreachableError(host, 'auth', `${service} session login as '${user}' was refused (${res.status}${ok ? `, ${missing}` : ''})${api ? `: ${api}` : ''}`, {
    hint: 'check tsplay_http_user and tsplay_http_password',
  });
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME|ALTNAME/;

/**
 * A socket-level failure (no HTTP answer) as an HttpUnreachableError. Only the
 * error's code and message are read: the library's error object also holds
 * the request's headers, so it is never kept as a cause.
 */
export function networkFailure(host: string, where: string, err: { code?: string | undefined; message?: string }, timeoutMs: number): HttpUnreachableError {
  const code = err.code ?? '';
  const msg = err.message ?? '';
  if (code === 'ECONNREFUSED') {
    return new HttpUnreachableError(host, 'refused', `connection refused by ${where}`, { hint: 'is the API listening there? check tsplay_http_url' });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new HttpUnreachableError(host, 'dns', `cannot resolve the host of ${where}`, { hint: 'check tsplay_http_url' });
  }
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED' || /timeout/i.test(msg)) {
    return new HttpUnreachableError(host, 'timeout', `no answer from ${where} within ${timeoutMs / 1000} s`, { hint: 'raise tsplay_http_timeout if the API is slow' });
  }
  if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(msg)) {
    return new HttpUnreachableError(host, 'tls', `TLS handshake with ${where} failed: ${msg || code}`, {
      hint: 'give the CA that signed the API certificate in tsplay_http_ca_file, or (not in production) set tsplay_http_validate_certs: false',
    });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(msg)) {
    return new HttpUnreachableError(host, 'reset', `the connection to ${where} was reset (${code || msg})`);
  }
  return new HttpUnreachableError(host, 'network', `cannot reach ${where}: ${code ? `${code} ` : ''}${msg}`.trim());
}
