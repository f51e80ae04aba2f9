/**
 * The settings of an HTTP connection (`tsplay_connection: http`), read from
 * the host's variables. Each setting is read from its names in order; the
 * first that is set wins. See docs/http.md.
 *
 *   url            tsplay_http_url (base URL, e.g. https://nsx.example:443)
 *   user           tsplay_http_user, then tsplay_user / ansible_user
 *   password       tsplay_http_password, then tsplay_password / ansible_password
 *   auth           tsplay_http_auth: basic | nsx_session | vsphere_soap | vsphere_rest | none
 *                  (default basic when a user is set, none otherwise)
 *   validateCerts  tsplay_http_validate_certs (default true)
 *   caFile         tsplay_http_ca_file
 *   timeout        tsplay_http_timeout (seconds, default 30)
 *   retries        tsplay_http_retries (default 5)
 *   retryDelay     tsplay_http_retry_delay (seconds, default 0.5)
 *   retryMaxDelay  tsplay_http_retry_max_delay (seconds, default 5)
 *
 * The password stays a Secret here; only the auth strategy reveals it, at
 * the moment it builds a header or a login body.
 */
import { connectionVar } from '../../inventory/connection.js';
import { ConnectionVarError } from '../../inventory/errors.js';
import { Secret } from '../../secret.js';
import { boolValue, firstSet, numberValue, stringValue, type SetVar } from '../connection-vars-parse.js';
import type { ConnectionSettings } from '../transport.js';

export const HTTP_VARS = {
  url: ['tsplay_http_url'],
  user: ['tsplay_http_user'],
  password: ['tsplay_http_password'],
  auth: ['tsplay_http_auth'],
  validateCerts: ['tsplay_http_validate_certs'],
  caFile: ['tsplay_http_ca_file'],
  timeout: ['tsplay_http_timeout'],
  retries: ['tsplay_http_retries'],
  retryDelay: ['tsplay_http_retry_delay'],
  retryMaxDelay: ['tsplay_http_retry_max_delay'],
} as const satisfies Record<string, readonly string[]>;

export const HTTP_AUTH_KINDS = ['basic', 'nsx_session', 'vsphere_soap', 'vsphere_rest', 'none'] as const;
export type HttpAuthKind = (typeof HTTP_AUTH_KINDS)[number];

export interface RetrySettings {
  /** retries after the first attempt */
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface HttpSettings {
  readonly host: string;
  /** base URL without a trailing slash */
  readonly url: URL;
  readonly user?: string;
  readonly password?: Secret;
  readonly auth: HttpAuthKind;
  readonly validateCerts: boolean;
  readonly caFile?: string;
  readonly timeoutMs: number;
  readonly retry: RetrySettings;
}

export const HTTP_DEFAULTS = { timeoutS: 30, retries: 5, retryDelayS: 0.5, retryMaxDelayS: 5 } as const;

type Vars = Readonly<Record<string, unknown>>;
type Setting = keyof typeof HTTP_VARS;

function raw(vars: Vars, setting: Setting): SetVar | undefined {
  return firstSet(vars, HTTP_VARS[setting]);
}

function bool(host: string, vars: Vars, setting: Setting, dflt: boolean): boolean {
  const v = raw(vars, setting);
  return v ? boolValue(host, v) : dflt;
}

function num(host: string, vars: Vars, setting: Setting, dflt: number, opts: { min: number; integer?: boolean }): number {
  const v = raw(vars, setting);
  return v ? numberValue(host, v, opts) : dflt;
}

function asSecret(host: string, name: string, v: unknown): Secret | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Secret) return v;
  if (typeof v === 'string' || typeof v === 'number') return new Secret(String(v));
  throw new ConnectionVarError(host, `${name} must be a string`);
}

function baseUrl(host: string, vars: Vars): URL {
  const v = raw(vars, 'url');
  if (!v) {
    throw new ConnectionVarError(host, 'tsplay_connection is http but tsplay_http_url is not set', {
      hint: 'set tsplay_http_url to the API base URL, e.g. https://nsx.example:443',
    });
  }
  const text = stringValue(host, v);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConnectionVarError(host, `${v.name} is not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConnectionVarError(host, `${v.name} must be an http:// or https:// URL, found ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new ConnectionVarError(host, `${v.name} must not carry credentials; use tsplay_http_user and tsplay_http_password`);
  }
  if (url.search || url.hash) throw new ConnectionVarError(host, `${v.name} must not have a query or fragment`);
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

export function httpSettings(s: ConnectionSettings): HttpSettings {
  const { host, vars } = s;
  const url = baseUrl(host, vars);
  const userRaw = raw(vars, 'user');
  const user = userRaw ? stringValue(host, userRaw) : s.user;
  const passRaw = raw(vars, 'password');
  const password = passRaw ? asSecret(host, passRaw.name, passRaw.value) : asSecret(host, 'tsplay_password', connectionVar(vars, 'password'));
  const authRaw = raw(vars, 'auth');
  const authText = authRaw ? stringValue(host, authRaw) : user !== undefined ? 'basic' : 'none';
  if (!(HTTP_AUTH_KINDS as readonly string[]).includes(authText)) {
    throw new ConnectionVarError(host, `tsplay_http_auth must be one of ${HTTP_AUTH_KINDS.join(', ')}, found ${JSON.stringify(authText)}`);
  }
  const auth = authText as HttpAuthKind;
  if (auth !== 'none' && (user === undefined || password === undefined)) {
    throw new ConnectionVarError(host, `tsplay_http_auth ${auth} needs a user and a password`, {
      hint: 'set tsplay_http_user and tsplay_http_password (keep the password in a vault file)',
    });
  }
  const caRaw = raw(vars, 'caFile');
  const caFile = caRaw ? stringValue(host, caRaw) : undefined;
  const retryDelayS = num(host, vars, 'retryDelay', HTTP_DEFAULTS.retryDelayS, { min: 0 });
  const retryMaxDelayS = num(host, vars, 'retryMaxDelay', Math.max(HTTP_DEFAULTS.retryMaxDelayS, retryDelayS), { min: retryDelayS });
  return {
    host,
    url,
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    auth,
    validateCerts: bool(host, vars, 'validateCerts', true),
    ...(caFile !== undefined ? { caFile } : {}),
    timeoutMs: num(host, vars, 'timeout', HTTP_DEFAULTS.timeoutS, { min: 0.001 }) * 1000,
    retry: {
      retries: num(host, vars, 'retries', HTTP_DEFAULTS.retries, { min: 0, integer: true }),
      baseDelayMs: retryDelayS * 1000,
      maxDelayMs: retryMaxDelayS * 1000,
    },
  };
}
