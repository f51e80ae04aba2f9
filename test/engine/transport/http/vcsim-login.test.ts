/**
 * vsphere_soap auth against vcsim (govmomi's vCenter simulator, built by the
 * lab set-up): the real Login, the real NotAuthenticated fault after the
 * session is logged out, and a refused password. Skipped when vcsim is not built.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../../src/engine/secret.js';
import { HttpUnreachableError, openHttpConnection, SOAP_HEADERS, soapEnvelope, type HttpConnection } from '../../../../src/engine/transport/http/index.js';
import { startVcsim, vcsimAvailable, type Vcsim } from '../../../lab/vcsim.js';

const available = await vcsimAvailable();

const call = (body: string) => ({ method: 'POST', path: '/sdk', headers: SOAP_HEADERS, body: soapEnvelope(body) }) as const;
const CURRENT_TIME = call('<CurrentTime xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></CurrentTime>');
const LOGOUT = call('<Logout xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this></Logout>');

describe.skipIf(!available)('vsphere_soap against vcsim', () => {
  let sim: Vcsim;
  const conns: HttpConnection[] = [];
  beforeAll(async () => {
    sim = await startVcsim();
  });
  afterAll(async () => {
    await Promise.allSettled(conns.map((c) => c.close()));
    await sim?.close();
  });

  const open = async (password: string, log: string[] = []): Promise<HttpConnection> => {
    const c = await openHttpConnection({
      host: 'vcenter',
      connection: 'http',
      address: '127.0.0.1',
      vars: { tsplay_http_url: sim.baseUrl, tsplay_http_auth: 'vsphere_soap', tsplay_http_user: sim.user, tsplay_http_password: new Secret(password) },
    }, { log: (_host, line) => log.push(line) });
    conns.push(c);
    return c;
  };

  it('logs in, calls, and logs in again after the session is gone (NotAuthenticated)', async () => {
    const log: string[] = [];
    const c = await open(sim.password, log);
    expect(String((await c.http.read(CURRENT_TIME)).data)).toMatch(/<returnval>\d{4}-\d\d-\d\dT/);
    await c.http.request(LOGOUT);
    // the session is gone: vcsim answers NotAuthenticated, the connection logs in again and resends
    expect(String((await c.http.read(CURRENT_TIME)).data)).toMatch(/<returnval>\d{4}-\d\d-\d\dT/);
    expect(log.filter((l) => l.startsWith('http: login'))).toHaveLength(2);
    expect(log.some((l) => /session expired \(500\), logging in again/.test(l))).toBe(true);
  });

  it('a wrong password makes the host unreachable with vCenter\'s fault text', async () => {
    const e = await open('not-the-password').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HttpUnreachableError);
    expect((e as Error).message).toMatch(/^vcenter: vSphere login as 'tsplay' was refused \(500\): .*(incorrect user name or password|Login failure)/i);
    expect((e as Error).message).not.toContain('not-the-password');
  });
});
