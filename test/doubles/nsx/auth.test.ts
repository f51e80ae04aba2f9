/** Authentication: basic, sessions with JSESSIONID + XSRF, expiry, logout; the documented statuses and bodies. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNsxEmulator, type NsxEmulator } from './index.js';
import { basic, testClient } from './test-client.js';

let nsx: NsxEmulator;
beforeAll(async () => {
  nsx = await startNsxEmulator({ users: { admin: 'pw', 'ops@corp.local': 's3cret' } });
});
afterAll(() => nsx.close());

const GROUPS = '/infra/domains/default/groups';

async function login(user: string, password: string): Promise<{ status: number; cookie?: string; xsrf?: string }> {
  const r = await testClient(nsx, {}).raw('POST', '/api/session/create', {
    body: new URLSearchParams({ j_username: user, j_password: password }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const setCookie = r.headers.get('set-cookie') ?? '';
  const cookie = /JSESSIONID=[^;]+/.exec(setCookie)?.[0];
  return { status: r.status, ...(cookie ? { cookie } : {}), ...(r.headers.get('x-xsrf-token') ? { xsrf: r.headers.get('x-xsrf-token')! } : {}) };
}

const CREDENTIALS_ERROR = {
  httpStatus: 'FORBIDDEN', error_code: 403, module_name: 'common-services',
  error_message: 'The credentials were incorrect or the account specified has been locked.', related_errors: [],
};

describe('basic auth', () => {
  it.each([
    { name: 'right password', headers: basic('admin', 'pw'), status: 200 },
    { name: 'remote user@domain', headers: basic('ops@corp.local', 's3cret'), status: 200 },
    { name: 'wrong password', headers: basic('admin', 'nope'), status: 403 },
    { name: 'unknown user', headers: basic('root', 'pw'), status: 403 },
    { name: 'no credentials', headers: {}, status: 403 },
    { name: 'not basic', headers: { authorization: 'Bearer x' }, status: 403 },
  ])('$name → $status', async ({ headers, status }) => {
    const r = await testClient(nsx, headers).get(GROUPS);
    expect(r.status).toBe(status);
    if (status === 403) expect(r.body).toEqual(CREDENTIALS_ERROR);
  });
});

describe('session auth', () => {
  it('login sets JSESSIONID and x-xsrf-token; calls with both work; logout ends the session', async () => {
    const s = await login('admin', 'pw');
    expect(s.status).toBe(200);
    expect(s.cookie).toMatch(/^JSESSIONID=/);
    expect(s.xsrf).toBeTruthy();
    const api = testClient(nsx, { cookie: s.cookie!, 'x-xsrf-token': s.xsrf! });
    expect((await api.patch(`${GROUPS}/s1`, {})).status).toBe(200);
    expect(nsx.state.get(`${GROUPS}/s1`)?.['_create_user']).toBe('admin');
    expect((await api.raw('POST', '/api/session/destroy')).status).toBe(200);
    expect((await api.get(GROUPS)).status).toBe(401);
  });

  it('a wrong login is 403 with the credentials error and no cookie', async () => {
    const s = await login('admin', 'bad');
    expect(s.status).toBe(403);
    expect(s.cookie).toBeUndefined();
  });

  it.each([
    { name: 'missing XSRF token', xsrf: undefined },
    { name: 'wrong XSRF token', xsrf: 'forged' },
  ])('$name → 403 error_code 98', async ({ xsrf }) => {
    const s = await login('admin', 'pw');
    const r = await testClient(nsx, { cookie: s.cookie!, ...(xsrf ? { 'x-xsrf-token': xsrf } : {}) }).get(GROUPS);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ error_code: 98, module_name: 'common-services' });
  });

  it('an expired session is 401 until the client logs in again', async () => {
    const s = await login('admin', 'pw');
    const api = testClient(nsx, { cookie: s.cookie!, 'x-xsrf-token': s.xsrf! });
    expect((await api.get(GROUPS)).status).toBe(200);
    expect(nsx.sessions.expireAll()).toBeGreaterThan(0);
    expect(nsx.sessions.count).toBe(0);
    const r = await api.get(GROUPS);
    expect(r.status).toBe(401);
    expect(r.body.error_code).toBe(401);
    const again = await login('admin', 'pw');
    expect((await testClient(nsx, { cookie: again.cookie!, 'x-xsrf-token': again.xsrf! }).get(GROUPS)).status).toBe(200);
  });

  it('sessionExpiredStatus: 403 answers an expired session with 403 error_code 98', async () => {
    const other = await startNsxEmulator({ users: { admin: 'pw' }, sessionExpiredStatus: 403 });
    try {
      const r = await testClient(other, { cookie: 'JSESSIONID=stale', 'x-xsrf-token': 'x' }).get(GROUPS);
      expect(r.status).toBe(403);
      expect(r.body.error_code).toBe(98);
    } finally {
      await other.close();
    }
  });

  it('sessionIdleTimeoutMs expires a session left unused, not one in use', async () => {
    const idle = await startNsxEmulator({ users: { admin: 'pw' }, sessionIdleTimeoutMs: 700 });
    try {
      const r = await testClient(idle, {}).raw('POST', '/api/session/create', { body: 'j_username=admin&j_password=pw' });
      const api = testClient(idle, { cookie: /JSESSIONID=[^;]+/.exec(r.headers.get('set-cookie')!)![0], 'x-xsrf-token': r.headers.get('x-xsrf-token')! });
      for (let i = 0; i < 2; i++) {
        await new Promise((res) => setTimeout(res, 200));
        expect((await api.get(GROUPS)).status).toBe(200);
      }
      await new Promise((res) => setTimeout(res, 800));
      expect((await api.get(GROUPS)).status).toBe(401);
      expect(idle.sessions.count).toBe(0);
    } finally {
      await idle.close();
    }
  });

  it('the session login is not logged with its password', () => {
    const logins = nsx.requests.filter((r) => r.path === '/api/session/create');
    expect(logins.length).toBeGreaterThan(0);
    expect(JSON.stringify(logins)).not.toContain('pw');
  });
});

describe('account lockout', () => {
  it('five failed logins lock the account: then even the right password is refused, until unlocked', async () => {
    const locking = await startNsxEmulator({ users: { admin: 'pw' } });
    try {
      for (let i = 0; i < 4; i++) expect((await testClient(locking, basic('admin', `wrong${i}`)).get(GROUPS)).status).toBe(403);
      expect(locking.accounts.isLocked('admin')).toBe(false);
      expect((await testClient(locking, basic('admin', 'pw')).get(GROUPS)).status).toBe(200); // a success resets the count
      for (let i = 0; i < 5; i++) await testClient(locking, basic('admin', 'wrong')).get(GROUPS);
      expect(locking.accounts.isLocked('admin')).toBe(true);
      const refused = await testClient(locking, basic('admin', 'pw')).get(GROUPS);
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual(CREDENTIALS_ERROR);
      expect((await testClient(locking, {}).raw('POST', '/api/session/create', { body: 'j_username=admin&j_password=pw' })).status).toBe(403);
      locking.accounts.unlockAll();
      expect((await testClient(locking, basic('admin', 'pw')).get(GROUPS)).status).toBe(200);
    } finally {
      await locking.close();
    }
  });

  it('lockout: false never locks', async () => {
    const open = await startNsxEmulator({ users: { admin: 'pw' }, lockout: false });
    try {
      for (let i = 0; i < 8; i++) await testClient(open, basic('admin', 'wrong')).get(GROUPS);
      expect((await testClient(open, basic('admin', 'pw')).get(GROUPS)).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('a short lockout ends by itself', async () => {
    const brief = await startNsxEmulator({ users: { admin: 'pw' }, lockout: { maxFailures: 2, resetMs: 10_000, lockoutMs: 200 } });
    try {
      for (let i = 0; i < 2; i++) await testClient(brief, basic('admin', 'wrong')).get(GROUPS);
      expect((await testClient(brief, basic('admin', 'pw')).get(GROUPS)).status).toBe(403);
      await new Promise((r) => setTimeout(r, 250));
      expect((await testClient(brief, basic('admin', 'pw')).get(GROUPS)).status).toBe(200);
    } finally {
      await brief.close();
    }
  });
});

describe('client API rate limit', () => {
  it('answers 429 past clientApiRateLimit requests a second per client, and serves again after the second', async () => {
    const limited = await startNsxEmulator({ users: { admin: 'pw', other: 'pw2' }, clientApiRateLimit: 3 });
    try {
      const replies = [];
      for (let i = 0; i < 5; i++) replies.push(await testClient(limited).get(GROUPS));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
      expect(replies[3]!.body).toMatchObject({ error_code: 429, related_errors: [] });
      // another client has its own budget
      expect((await testClient(limited, basic('other', 'pw2')).get(GROUPS)).status).toBe(200);
      await new Promise((res) => setTimeout(res, 1050));
      expect((await testClient(limited).get(GROUPS)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
