/**
 * vsphere_soap auth against a local server that answers the two vim25 calls
 * a login needs (RetrieveServiceContent, SessionManager.Login) the way vCenter
 * does, sets `vmware_soap_session`, and answers NotAuthenticated faults to
 * calls without a live session. (govc_clone's tests run it against vcsim.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../../src/engine/secret.js';
import { HttpUnreachableError, openHttpConnection, SOAP_HEADERS, soapEnvelope, type HttpConnection } from '../../../../src/engine/transport/http/index.js';
import { startApiServer, type ApiServer, type Handler } from './api-server.js';

const PASSWORD = 'S0ap&<Pass>';
const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.allSettled(closers.splice(0).map((c) => c.close()));
});

const xml = (body: string) => ({ status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: soapEnvelope(body) });
const fault = (type: string, text: string) => ({
  status: 500,
  headers: { 'content-type': 'text/xml; charset=utf-8' },
  body: soapEnvelope(`<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>${text}</faultstring><detail><${type}Fault xmlns="urn:vim25" xsi:type="${type}"></${type}Fault></detail></soapenv:Fault>`),
});

function vcenter(): { handler: Handler; logins: () => number; expire(): void } {
  const live = new Set<string>();
  let logins = 0;
  const handler: Handler = (req) => {
    if (req.path !== '/sdk') return { status: 404 };
    if (req.body.includes('<RetrieveServiceContent')) return xml('<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval><sessionManager type="SessionManager">SessionManager</sessionManager></returnval></RetrieveServiceContentResponse>');
    if (req.body.includes('<Login ')) {
      const ok = req.body.includes('<_this type="SessionManager">SessionManager</_this>') && req.body.includes('<userName>administrator@vsphere.local</userName>') && req.body.includes('<password>S0ap&amp;&lt;Pass&gt;</password>');
      if (!ok) return fault('InvalidLogin', 'Cannot complete login due to an incorrect user name or password.');
      const id = `"s${++logins}"`;
      live.add(id);
      return { ...xml('<LoginResponse xmlns="urn:vim25"><returnval><key>k</key></returnval></LoginResponse>'), headers: { 'content-type': 'text/xml', 'set-cookie': `vmware_soap_session=${id}; Path=/; HttpOnly; Secure;` } };
    }
    const cookie = /vmware_soap_session=("[^"]*"|[^;]*)/.exec(String(req.headers.cookie ?? ''))?.[1];
    if (!cookie || !live.has(cookie)) return fault('NotAuthenticated', 'The session is not authenticated.');
    return xml('<CurrentTimeResponse xmlns="urn:vim25"><returnval>2026-11-23T15:00:00Z</returnval></CurrentTimeResponse>');
  };
  return { handler, logins: () => logins, expire: () => live.clear() };
}

async function open(s: ApiServer, password: string): Promise<HttpConnection> {
  const c = await openHttpConnection({
    host: 'vcenter',
    connection: 'http',
    address: 'vcenter',
    vars: { tsplay_http_url: s.url, tsplay_http_auth: 'vsphere_soap', tsplay_http_user: 'administrator@vsphere.local', tsplay_http_password: new Secret(password) },
  });
  closers.push(c);
  return c;
}

const currentTime = { method: 'POST', path: '/sdk', headers: SOAP_HEADERS, body: soapEnvelope('<CurrentTime xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></CurrentTime>') } as const;

describe('vsphere_soap auth', () => {
  it('logs in with RetrieveServiceContent + Login (XML-escaped) and sends the session cookie', async () => {
    const vc = vcenter();
    const s = await startApiServer(vc.handler);
    closers.push(s);
    const c = await open(s, PASSWORD);
    const r = await c.http.read(currentTime);
    expect(r.data).toContain('2026-11-23T15:00:00Z');
    expect(s.requests.at(-1)!.headers.cookie).toBe('vmware_soap_session="s1"');
    expect(s.requests.at(-1)!.headers.soapaction).toBe('urn:vim25/7.0.3.0');
  });

  it('logs in again on a NotAuthenticated fault, once', async () => {
    const vc = vcenter();
    const s = await startApiServer(vc.handler);
    closers.push(s);
    const c = await open(s, PASSWORD);
    vc.expire();
    expect((await c.http.read(currentTime)).status).toBe(200);
    expect(vc.logins()).toBe(2);
  });

  it('a refused login makes the host unreachable with the fault text, never the password', async () => {
    const s = await startApiServer(vcenter().handler);
    closers.push(s);
    const e = await open(s, 'wrong-password').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HttpUnreachableError);
    expect((e as Error).message).toBe("vcenter: vSphere login as 'administrator@vsphere.local' was refused (500): Cannot complete login due to an incorrect user name or password.");
    expect((e as Error).message).not.toContain('wrong-password');
  });

  it('a SOAP fault the caller accepts (500) still comes back to it', async () => {
    const s = await startApiServer(vcenter().handler);
    closers.push(s);
    const c = await open(s, PASSWORD);
    s.handler = () => fault('DuplicateName', "The name 'cp-1' already exists.");
    const r = await c.http.request({ ...currentTime, accept: [500] });
    expect(r.status).toBe(500);
    expect(r.data).toContain('DuplicateName');
  });
});
