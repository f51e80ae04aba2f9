/**
 * tsplay_http_auth: vsphere_rest against a local server that speaks the
 * vCenter Automation API session protocol (POST /api/session with basic auth
 * → 201 and a JSON string; the `vmware-api-session-id` header after that;
 * 401 when the session ended; DELETE /api/session to log out). vcsim has no
 * /api/session, so this small server stands in for it.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../../src/engine/secret.js';
import { HttpError, HttpUnreachableError, openHttpConnection } from '../../../../src/engine/transport/http/index.js';
import { startApiServer, type ApiServer, type SeenRequest } from './api-server.js';

const USER = 'administrator@vsphere.local';
const PASSWORD = 'Vc-Rest-pw-3b91';
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

/** The session protocol, plus GET /api/vcenter/vm (a list) and a 500 that echoes the request headers. */
function vcenterRest(): { handler: (req: SeenRequest) => { status: number; headers?: Record<string, string>; body?: unknown }; sessions: Set<string>; logins: () => number } {
  const sessions = new Set<string>();
  let logins = 0;
  const json = { 'content-type': 'application/json' };
  return {
    sessions,
    logins: () => logins,
    handler: (req) => {
      if (req.path === '/api/session' && req.method === 'POST') {
        const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
        if (req.headers.authorization !== basic) return { status: 401, headers: json, body: { error_type: 'UNAUTHENTICATED', messages: [{ default_message: 'Authentication required.' }] } };
        const id = randomBytes(16).toString('hex');
        sessions.add(id);
        logins++;
        return { status: 201, headers: json, body: JSON.stringify(id) };
      }
      const id = req.headers['vmware-api-session-id'];
      if (typeof id !== 'string' || !sessions.has(id)) return { status: 401, headers: json, body: { error_type: 'UNAUTHENTICATED', messages: [] } };
      if (req.path === '/api/session' && req.method === 'DELETE') {
        sessions.delete(id);
        return { status: 204 };
      }
      if (req.path === '/api/vcenter/vm') return { status: 200, headers: json, body: JSON.stringify([{ vm: 'vm-42', name: 'cp-1' }]) };
      return { status: 500, headers: json, body: { error_type: 'ERROR', messages: [{ default_message: `echo: ${JSON.stringify(req.headers)}` }] } };
    },
  };
}

async function lab(password: string | Secret = new Secret(PASSWORD)): Promise<{ api: ApiServer; vc: ReturnType<typeof vcenterRest>; connect: () => ReturnType<typeof openHttpConnection> }> {
  const vc = vcenterRest();
  const api = await startApiServer(vc.handler);
  open.push(api);
  const connect = async (): ReturnType<typeof openHttpConnection> => {
    const c = await openHttpConnection({
      host: 'vcenter-1',
      connection: 'http',
      address: 'vcenter-1',
      vars: { tsplay_http_url: api.url, tsplay_http_auth: 'vsphere_rest', tsplay_http_user: USER, tsplay_http_password: password },
    });
    open.push(c);
    return c;
  };
  return { api, vc, connect };
}

describe('vsphere_rest auth', () => {
  it('logs in with basic auth once, then sends only the session header; logs in again after a 401; logs out on close', async () => {
    const { api, vc, connect } = await lab();
    const c = await connect();
    expect((await c.http.get('/api/vcenter/vm')).data).toEqual([{ vm: 'vm-42', name: 'cp-1' }]);
    const after = api.requests.filter((r) => r.path !== '/api/session');
    expect(after[0]!.headers['vmware-api-session-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(after[0]!.headers.authorization).toBeUndefined();
    expect(vc.logins()).toBe(1);

    vc.sessions.clear(); // the session timed out on vCenter
    expect((await c.http.get('/api/vcenter/vm')).status).toBe(200);
    expect(vc.logins()).toBe(2);

    await c.close();
    expect(api.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/session' });
    expect(vc.sessions.size).toBe(0);
  });

  it('a refused login makes the host unreachable, naming the user, never the password', async () => {
    const { connect } = await lab(new Secret('wrong-password-77'));
    // the session is opened with the connection (the host's first task)
    const err = await connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpUnreachableError);
    expect((err as Error).message).toContain(`vCenter session login as '${USER}' was refused (401)`);
    expect(`${JSON.stringify(err)}${String(err)}${(err as Error).stack ?? ''}`).not.toContain('wrong-password-77');
  });

  it('an API that echoes the request back shows neither the session id nor the password', async () => {
    const { vc, connect } = await lab();
    const c = await connect();
    const err = await c.http.get('/api/other').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    const text = `${String(err)} ${(err as Error).message} ${JSON.stringify(err)}`;
    for (const id of vc.sessions) expect(text).not.toContain(id);
    expect(text).not.toContain(PASSWORD);
  });
});
