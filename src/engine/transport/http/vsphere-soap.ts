/**
 * vSphere Web Services session authentication (`tsplay_http_auth:
 * vsphere_soap`): `RetrieveServiceContent` names the SessionManager, then
 * `SessionManager.Login` over SOAP at /sdk sets a `vmware_soap_session`
 * cookie that later calls send. A `NotAuthenticated` fault means the session
 * ended: log in again. The envelopes are built here so the SOAP modules only
 * send their own calls; a module family that needs another login can pass
 * its own HttpAuth instead (see auth.ts).
 */
import type { Credentials, HttpAuth, RawResponse, RawSend } from './auth.js';
import { setCookies, wireForms } from './auth.js';
import { soapFault } from './api-message.js';
import { HttpUnreachableError } from './errors.js';

export const VIM_SOAP_PATH = '/sdk';
/** as govc_clone's SOAP client sends it; vCenter 7 and 8 accept it */
export const VIM_SOAP_ACTION = 'urn:vim25/7.0.3.0';
export const SESSION_COOKIE = 'vmware_soap_session';

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A vim25 SOAP envelope around one call's body. */
export function soapEnvelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

export const SOAP_HEADERS = { 'content-type': 'text/xml; charset=utf-8', soapaction: VIM_SOAP_ACTION } as const;

export class VsphereSoapAuth implements HttpAuth {
  readonly kind = 'vsphere_soap';
  #session: string | undefined;

  constructor(
    private readonly host: string,
    private readonly creds: Credentials,
    private readonly path: string = VIM_SOAP_PATH,
  ) {}

  ready(): boolean {
    return this.#session !== undefined;
  }

  async login(send: RawSend): Promise<void> {
    this.#session = undefined;
    const sc = await send({
      method: 'POST',
      path: this.path,
      headers: SOAP_HEADERS,
      body: soapEnvelope('<RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>'),
    });
    const text = typeof sc.data === 'string' ? sc.data : '';
    const manager = /<sessionManager type="SessionManager">([^<]+)<\/sessionManager>/.exec(text)?.[1];
    if (sc.status !== 200 || !manager) {
      throw new HttpUnreachableError(this.host, 'auth', `no vSphere SessionManager at ${this.path} (RetrieveServiceContent answered ${sc.status})`, {
        hint: 'tsplay_http_url must be the vCenter or ESXi base URL (the SOAP API is at /sdk)',
      });
    }
    const res = await send({
      method: 'POST',
      path: this.path,
      headers: SOAP_HEADERS,
      body: soapEnvelope(
        `<Login xmlns="urn:vim25"><_this type="SessionManager">${xmlEscape(manager)}</_this>` +
          `<userName>${xmlEscape(this.creds.user)}</userName><password>${xmlEscape(this.creds.password.reveal())}</password></Login>`,
      ),
    });
    const cookie = setCookies(res.headers).get(SESSION_COOKIE);
    if (res.status !== 200 || !cookie) {
      const fault = typeof res.data === 'string' ? soapFault(res.data) : undefined;
      throw new HttpUnreachableError(
        this.host,
        'auth',
        `vSphere login as '${this.creds.user}' was refused (${res.status})${fault?.message ? `: ${fault.message}` : ''}`,
        { hint: 'check tsplay_http_user and tsplay_http_password' },
      );
    }
    this.#session = cookie;
  }

  headers(): Record<string, string> {
    return this.#session ? { cookie: `${SESSION_COOKIE}=${this.#session}` } : {};
  }

  onRejected(res: RawResponse): 'relogin' | 'fail' {
    if (res.status === 401) return 'relogin';
    const fault = typeof res.data === 'string' ? soapFault(res.data) : undefined;
    return fault?.code === 'NotAuthenticated' ? 'relogin' : 'fail';
  }

  secrets(): readonly string[] {
    return [...wireForms(this.creds.password.reveal()), ...(this.#session ? [this.#session] : [])];
  }
}
