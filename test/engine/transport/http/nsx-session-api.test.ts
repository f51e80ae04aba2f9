/** The NSX session double used by the connection's tests behaves as NSX's session auth is documented (domain-reference 1.1). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from './api-server.js';
import { nsxSessions, type NsxSessions } from './nsx-session-api.js';
import { stringContaining } from '../../../helpers/matchers.js';

let api: ApiServer;
let nsx: NsxSessions;

beforeAll(async () => {
  nsx = nsxSessions('admin', 'pw-123', () => ({ status: 200, body: { ok: true } }));
  api = await startApiServer(nsx.handler);
});
afterAll(() => api.close());

const form = (user: string, password: string) => new URLSearchParams({ j_username: user, j_password: password }).toString();

async function login(): Promise<{ cookie: string; xsrf: string }> {
  const r = await fetch(`${api.url}/api/session/create`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form('admin', 'pw-123') });
  expect(r.status).toBe(200);
  return { cookie: r.headers.getSetCookie()[0]!.split(';')[0]!, xsrf: r.headers.get('x-xsrf-token')! };
}

describe('nsxSessions (test double)', () => {
  it('refuses wrong credentials and a non-form body with 403 and the NSX error body', async () => {
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', form('admin', 'nope')],
      ['application/json', JSON.stringify({ j_username: 'admin', j_password: 'pw-123' })],
    ]) {
      const r = await fetch(`${api.url}/api/session/create`, { method: 'POST', headers: { 'content-type': type! }, body: body! });
      expect(r.status).toBe(403);
      expect(await r.json()).toMatchObject({ error_code: 403, error_message: stringContaining('Not Authenticated') });
    }
  });

  it('needs the cookie (401 without) and the XSRF token (403, error_code 98, session dropped)', async () => {
    expect((await fetch(`${api.url}/policy/api/v1/infra`)).status).toBe(401);
    const s = await login();
    expect((await fetch(`${api.url}/policy/api/v1/infra`, { headers: { cookie: s.cookie, 'x-xsrf-token': s.xsrf } })).status).toBe(200);
    const bad = await fetch(`${api.url}/policy/api/v1/infra`, { headers: { cookie: s.cookie, 'x-xsrf-token': 'wrong' } });
    expect(bad.status).toBe(403);
    expect(await bad.json()).toEqual({ error_code: 98, error_message: 'Bad XSRF token' });
    expect((await fetch(`${api.url}/policy/api/v1/infra`, { headers: { cookie: s.cookie, 'x-xsrf-token': s.xsrf } })).status).toBe(401);
  });

  it('/api/session/destroy ends the session', async () => {
    const s = await login();
    const headers = { cookie: s.cookie, 'x-xsrf-token': s.xsrf };
    expect((await fetch(`${api.url}/api/session/destroy`, { method: 'POST', headers })).status).toBe(200);
    expect((await fetch(`${api.url}/policy/api/v1/infra`, { headers })).status).toBe(401);
  });

  it('expireAll ends every session; logins are counted', async () => {
    const before = nsx.logins();
    const s = await login();
    expect(nsx.logins()).toBe(before + 1);
    nsx.expireAll();
    expect((await fetch(`${api.url}/policy/api/v1/infra`, { headers: { cookie: s.cookie, 'x-xsrf-token': s.xsrf } })).status).toBe(401);
  });
});
