/**
 * NSX Manager session authentication (`tsplay_http_auth: nsx_session`):
 * `POST /api/session/create` with the form `j_username`/`j_password` gives
 * a JSESSIONID cookie and an `x-xsrf-token` header, both sent on every later
 * call. A 401, or a 403 with error_code 98 (bad XSRF token, as VMware's
 * nsxlib reads it), means the session ended: log in again.
 */
import type { Credentials, HttpAuth, RawResponse, RawSend } from './auth.js';
import { headerValue, setCookies, wireForms } from './auth.js';
import { apiMessage } from './api-message.js';
import { loginRefused } from './errors.js';

const BAD_XSRF_TOKEN = 98;

export class NsxSessionAuth implements HttpAuth {
  readonly kind = 'nsx_session';
  #cookie: string | undefined;
  #xsrf: string | undefined;

  constructor(
    private readonly host: string,
    private readonly creds: Credentials,
  ) {}

  ready(): boolean {
    return this.#cookie !== undefined;
  }

  async login(send: RawSend): Promise<void> {
    this.#cookie = undefined;
    this.#xsrf = undefined;
    const form = new URLSearchParams({ j_username: this.creds.user, j_password: this.creds.password.reveal() });
    const res = await send({
      method: 'POST',
      path: '/api/session/create',
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const session = setCookies(res.headers).get('JSESSIONID');
    if (res.status < 200 || res.status > 299 || !session) throw loginRefused(this.host, 'NSX', this.creds.user, res, 'no JSESSIONID cookie');
    this.#cookie = `JSESSIONID=${session}`;
    this.#xsrf = headerValue(res.headers, 'x-xsrf-token');
  }

  headers(): Record<string, string> {
    return {
      ...(this.#cookie ? { cookie: this.#cookie } : {}),
      ...(this.#xsrf ? { 'x-xsrf-token': this.#xsrf } : {}),
    };
  }

  onRejected(res: RawResponse): 'relogin' | 'fail' {
    if (res.status === 401) return 'relogin';
    if (res.status === 403 && Number(apiMessage(res.data).code) === BAD_XSRF_TOKEN) return 'relogin';
    return 'fail';
  }

  async logout(send: RawSend): Promise<void> {
    if (!this.#cookie) return;
    await send({ method: 'POST', path: '/api/session/destroy', headers: this.headers() });
    this.#cookie = undefined;
    this.#xsrf = undefined;
  }

  secrets(): readonly string[] {
    return [...wireForms(this.creds.password.reveal()), ...(this.#cookie ? [this.#cookie.slice('JSESSIONID='.length)] : []), ...(this.#xsrf ? [this.#xsrf] : [])];
  }
}
