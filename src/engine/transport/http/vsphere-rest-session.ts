/**
 * vCenter Automation API session authentication (`tsplay_http_auth:
 * vsphere_rest`): `POST /api/session` with basic auth answers 201 and the
 * session id as a JSON string; every later call sends it as the
 * `vmware-api-session-id` header. A 401 means the session ended: log in again.
 * `DELETE /api/session` logs out. (shared/domain-reference.md section 2)
 */
import type { Credentials, HttpAuth, RawResponse, RawSend } from './auth.js';
import { wireForms } from './auth.js';
import { loginRefused } from './errors.js';

const SESSION_HEADER = 'vmware-api-session-id';

export class VsphereRestSessionAuth implements HttpAuth {
  readonly kind = 'vsphere_rest';
  #session: string | undefined;

  constructor(
    private readonly host: string,
    private readonly creds: Credentials,
  ) {}

  ready(): boolean {
    return this.#session !== undefined;
  }

  async login(send: RawSend): Promise<void> {
    this.#session = undefined;
    const res = await send({ method: 'POST', path: '/api/session', headers: { authorization: `Basic ${this.#basic()}` } });
    const session = typeof res.data === 'string' && res.data.length > 0 ? res.data : undefined;
    if (res.status < 200 || res.status > 299 || !session) throw loginRefused(this.host, 'vCenter', this.creds.user, res, 'no session id');
    this.#session = session;
  }

  headers(): Record<string, string> {
    return this.#session ? { [SESSION_HEADER]: this.#session } : {};
  }

  onRejected(res: RawResponse): 'relogin' | 'fail' {
    return res.status === 401 ? 'relogin' : 'fail';
  }

  async logout(send: RawSend): Promise<void> {
    if (!this.#session) return;
    await send({ method: 'DELETE', path: '/api/session', headers: this.headers() });
    this.#session = undefined;
  }

  secrets(): readonly string[] {
    return [...wireForms(this.creds.password.reveal()), this.#basic(), ...(this.#session ? [this.#session] : [])];
  }

  #basic(): string {
    return Buffer.from(`${this.creds.user}:${this.creds.password.reveal()}`).toString('base64');
  }
}
