/**
 * The HTTP client of one host: one axios instance with its own keep-alive
 * agents (TLS verified unless the host says otherwise), the host's auth
 * strategy, timeouts, retries on 429/503 and on reset connections of
 * idempotent requests, one re-login per request when the session expired,
 * and a clear error for every other status.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { MASK } from '../../secret.js';
import { InterruptedError, ModuleFailure, TsplayError } from '../../errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../http-api.js';
import { apiMessage } from './api-message.js';
import type { HttpAuth, RawResponse } from './auth.js';
import { HttpError, HttpUnreachableError, networkFailure } from './errors.js';
import { backoffMs, retryableNetworkError, retryableStatus, retryAfterMs, sleep } from './retry.js';
import { safeUrl } from './safe-url.js';
import { encodeBody, headerText, lowerKeys, shape, toRaw } from './wire.js';
import type { HttpSettings } from './settings.js';

const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'PUT', 'DELETE']);

export interface HttpClientOptions {
  readonly settings: HttpSettings;
  readonly auth: HttpAuth;
  /** PEM of the CA file (tsplay_http_ca_file), already read */
  readonly ca?: Buffer;
  /** a line per login, expired session and retry, for -vvv (no secrets) */
  readonly log?: (line: string) => void;
  /** the run's abort signal (Ctrl-C): requests in flight and waits between retries end at once */
  readonly signal?: AbortSignal;
  /** for tests: the jitter source and the wait */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** how long close() waits for the session logout (default LOGOUT_WAIT_MS) */
  readonly logoutWaitMs?: number;
}

interface Sent {
  readonly res: RawResponse;
  readonly attempts: number;
}

/** How long the end of a run waits for a session logout. */
export const LOGOUT_WAIT_MS = 5_000;

export class AxiosHttpClient implements HttpClient {
  readonly #s: HttpSettings;
  readonly #auth: HttpAuth;
  readonly #axios: AxiosInstance;
  readonly #agents: { http: HttpAgent; https: HttpsAgent };
  readonly #o: HttpClientOptions;
  #login: Promise<void> | undefined;
  /** bumped by every login, so concurrent requests that hit an expired session log in once */
  #generation = 0;
  /** every credential and token this client has held, kept out of messages even after a session ends */
  readonly #secrets = new Set<string>();

  constructor(o: HttpClientOptions) {
    this.#o = o;
    this.#s = o.settings;
    this.#auth = o.auth;
    this.#agents = {
      http: new HttpAgent({ keepAlive: true }),
      https: new HttpsAgent({ keepAlive: true, rejectUnauthorized: o.settings.validateCerts, ...(o.ca ? { ca: o.ca } : {}) }),
    };
    this.#axios = axios.create({
      timeout: o.settings.timeoutMs,
      maxRedirects: 0,
      proxy: false,
      responseType: 'text',
      transformRequest: [(d: unknown) => d],
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
      httpAgent: this.#agents.http,
      httpsAgent: this.#agents.https,
    });
  }

  get<T = unknown>(path: string, opts: Omit<HttpRequest, 'method' | 'path' | 'body'> = {}): Promise<HttpResponse<T>> {
    return this.#call<T>({ ...opts, method: 'GET', path }, true);
  }

  read<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    return this.#call<T>(req, true);
  }

  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    return this.#call<T>(req, IDEMPOTENT.has(req.method));
  }

  /** Opens the session when the auth mode has one (a no-op for basic and none). */
  async connect(): Promise<void> {
    try {
      if (!this.#auth.ready()) await this.#relogin(this.#generation);
    } catch (e) {
      throw this.#scrub(e);
    }
  }

  /**
   * Ends the session (best effort, waiting at most LOGOUT_WAIT_MS: a manager that hangs must
   * not hold the end of the run) and the kept-alive sockets, which also ends a logout still in flight.
   */
  async close(): Promise<void> {
    if (this.#auth.logout && this.#auth.ready()) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((done) => {
        timer = setTimeout(done, this.#o.logoutWaitMs ?? LOGOUT_WAIT_MS);
      });
      // the session times out on the server anyway: a failed logout is not an error
      await Promise.race([this.#auth.logout((r) => this.#raw(r)).catch(() => undefined), deadline]);
      clearTimeout(timer);
    }
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  async #call<T>(req: HttpRequest, idempotent: boolean): Promise<HttpResponse<T>> {
    try {
      if (!this.#auth.ready()) await this.#relogin(this.#generation);
      let relogged = false;
      for (;;) {
        const generation = this.#generation;
        const { res, attempts } = await this.#send(req, idempotent, this.#auth.headers());
        if (res.status >= 200 && res.status < 300) return shape<T>(res);
        if (!relogged && this.#auth.onRejected(res) === 'relogin') {
          relogged = true;
          this.#log(`${req.method} ${this.#where(req)}: session expired (${res.status}), logging in again`);
          await this.#relogin(generation);
          continue;
        }
        if (req.accept?.includes(res.status)) return shape<T>(res);
        throw this.#failure(req, res, attempts);
      }
    } catch (e) {
      throw this.#scrub(e);
    }
  }

  /** Logs in once for everyone who saw the session of `generation` fail. */
  async #relogin(generation: number): Promise<void> {
    if (this.#generation !== generation && this.#auth.ready()) return;
    if (!this.#login) {
      this.#log(`login (${this.#auth.kind}) at ${safeUrl(this.#s.url)}`);
      this.#login = this.#auth
        .login((r) => this.#raw(r))
        .then(() => {
          this.#generation++;
          for (const v of this.#auth.secrets()) this.#secrets.add(v);
        })
        .finally(() => {
          this.#login = undefined;
        });
    }
    await this.#login;
  }

  async #raw(req: HttpRequest): Promise<RawResponse> {
    return (await this.#send(req, false, {})).res;
  }

  /** Sends with the retry policy; returns the last answer, throws only when no answer came. */
  async #send(req: HttpRequest, idempotent: boolean, authHeaders: Readonly<Record<string, string>>): Promise<Sent> {
    const { retry } = this.#s;
    const url = this.#url(req);
    const body = encodeBody(req.body);
    const headers: Record<string, string> = {
      'user-agent': 'tsplay',
      accept: 'application/json, text/xml;q=0.9, */*;q=0.8',
      ...(body.type ? { 'content-type': body.type } : {}),
      ...lowerKeys(req.headers ?? {}),
      ...authHeaders,
    };
    const signal = this.#o.signal;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw interrupted(req, url);
      let r: AxiosResponse<string>;
      try {
        r = await this.#axios.request<string>({
          method: req.method,
          url: url.toString(),
          headers,
          ...(body.data !== undefined ? { data: body.data } : {}),
          ...(signal ? { signal } : {}),
        });
      } catch (e) {
        if (signal?.aborted) throw interrupted(req, url);
        const err = e as { code?: string; message?: string };
        if (attempt <= retry.retries && retryableNetworkError(err.code, err.message, idempotent)) {
          const wait = backoffMs(retry, attempt - 1, undefined, this.#o.random);
          this.#log(`${req.method} ${safeUrl(url)}: ${err.code ?? err.message}, retry ${attempt}/${retry.retries} in ${Math.round(wait)} ms`);
          await this.#wait(wait);
          continue;
        }
        throw networkFailure(this.#s.host, safeUrl(url), { code: err.code, message: err.message ?? '' }, this.#s.timeoutMs);
      }
      const res = toRaw(r);
      if (retryableStatus(res.status) && attempt <= retry.retries) {
        const wait = backoffMs(retry, attempt - 1, retryAfterMs(headerText(res, 'retry-after')), this.#o.random);
        this.#log(`${req.method} ${safeUrl(url)}: ${res.status}, retry ${attempt}/${retry.retries} in ${Math.round(wait)} ms`);
        await this.#wait(wait);
        continue;
      }
      return { res, attempts: attempt };
    }
  }

  /** The wait before a retry; ends early when the run is interrupted (the next attempt then stops). */
  #wait(ms: number): Promise<void> {
    const signal = this.#o.signal;
    const timer = (this.#o.sleep ?? sleep)(ms);
    if (!signal) return timer;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      void timer.then(done);
    });
  }

  #url(req: HttpRequest): URL {
    if (/^[a-z][a-z0-9+.-]*:/i.test(req.path) || req.path.startsWith('//')) {
      throw new ModuleFailure(`${req.method}: the request path must be relative to tsplay_http_url (credentials are only sent there), found ${safeOrRaw(req.path)}`);
    }
    const url = new URL(this.#s.url.toString());
    const [path, search] = splitQuery(req.path);
    url.pathname = `${this.#s.url.pathname.replace(/\/+$/, '')}${path.startsWith('/') ? '' : '/'}${path}`;
    const params = new URLSearchParams(search);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (Array.isArray(v)) for (const item of v as readonly string[]) params.append(k, item);
      else params.append(k, String(v));
    }
    url.search = params.toString();
    return url;
  }

  #where(req: HttpRequest): string {
    return safeUrl(this.#url(req));
  }

  #failure(req: HttpRequest, res: RawResponse, attempts: number): TsplayError {
    const api = apiMessage(res.data);
    const fields = {
      host: this.#s.host,
      method: req.method,
      url: this.#where(req),
      status: res.status,
      ...(res.statusText ? { statusText: res.statusText } : {}),
      ...(api.message ? { apiMessage: api.message } : {}),
      ...(api.code !== undefined ? { apiCode: api.code } : {}),
      attempts,
    };
    if (res.status === 401) {
      return new HttpUnreachableError(this.#s.host, 'auth', `${req.method} ${fields.url}: authentication failed (401)${api.message ? `: ${api.message}` : ''}`, {
        hint: this.#auth.kind === 'none' ? 'the API wants credentials: set tsplay_http_auth, tsplay_http_user and tsplay_http_password' : 'check tsplay_http_user and tsplay_http_password',
      });
    }
    const hint = retryableStatus(res.status)
      ? `the API kept answering ${res.status}; raise tsplay_http_retries or tsplay_http_retry_max_delay, or run with fewer forks`
      : undefined;
    return new HttpError(fields, hint ? { hint } : {});
  }

  /** Removes every credential and session token from an error's text. */
  #scrub(e: unknown): unknown {
    if (!(e instanceof Error)) return e;
    for (const v of this.#auth.secrets()) this.#secrets.add(v);
    const secrets = [...this.#secrets].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
    if (secrets.length === 0) return e;
    const clean = (t: string): string => secrets.reduce((acc, s) => acc.split(s).join(MASK), t);
    e.message = clean(e.message);
    if (TsplayError.isInstance(e) && e.hint) (e as { hint: string | undefined }).hint = clean(e.hint);
    if (e instanceof HttpError && e.apiMessage) (e as { apiMessage: string | undefined }).apiMessage = clean(e.apiMessage);
    return e;
  }

  #log(line: string): void {
    this.#o.log?.(`http: ${line}`);
  }
}

function safeOrRaw(path: string): string {
  try {
    return safeUrl(new URL(path, 'http://invalid'));
  } catch {
    return JSON.stringify(path);
  }
}

function interrupted(req: HttpRequest, url: URL): InterruptedError {
  return new InterruptedError(`${req.method} ${safeUrl(url)}: interrupted`);
}

function splitQuery(path: string): [string, string] {
  const i = path.indexOf('?');
  return i < 0 ? [path, ''] : [path.slice(0, i), path.slice(i + 1)];
}
