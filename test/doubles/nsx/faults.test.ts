/** Fault injection, the unreachable manager, paging, the request log and the write counter. */
import { request as httpsRequest } from 'node:https';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startNsxEmulator, type NsxEmulator } from './index.js';
import { testClient, type TestClient } from './test-client.js';

let nsx: NsxEmulator;
let api: TestClient;
beforeEach(async () => {
  nsx = await startNsxEmulator({ users: { admin: 'pw' }, pageSize: 3 });
  api = testClient(nsx);
});
afterEach(() => nsx.close());

const G = '/infra/domains/default/groups';

describe('fault injection', () => {
  it.each([
    { status: 409, code: 409, message: /modified by somebody else/ },
    { status: 429, code: 429, message: /Too many requests/ },
    { status: 503, code: 503, message: /unavailable/i },
  ])('the next N matching requests answer $status, then requests are served again', async ({ status, code, message }) => {
    nsx.faults.inject({ method: 'PATCH', path: /\/groups\//, status, times: 2 });
    expect(nsx.faults.pending).toBe(2);
    const first = await api.patch(`${G}/g`, {});
    expect(first.status).toBe(status);
    expect(first.body).toMatchObject({ error_code: code, related_errors: [] });
    expect(first.body.error_message).toMatch(message);
    expect((await api.get(G)).status).toBe(200); // GET does not match
    expect((await api.patch(`${G}/g`, {})).status).toBe(status);
    expect((await api.patch(`${G}/g`, {})).status).toBe(200);
    expect(nsx.faults.fired).toBe(2);
    expect(nsx.faults.pending).toBe(0);
    expect(nsx.state.get(`${G}/g`)?.['_revision']).toBe(0); // the faulted writes changed nothing
    expect(nsx.requests.filter((r) => r.fault)).toHaveLength(2);
  });

  it('429 carries Retry-After when asked to', async () => {
    nsx.faults.inject({ status: 429, retryAfter: 2 });
    const r = await api.get(G);
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('2');
  });

  it('matches by exact path, method list and predicate; a fault can be disarmed', async () => {
    nsx.faults.inject({ path: `/policy/api/v1${G}/a`, status: 503 });
    nsx.faults.inject({ method: ['PUT', 'DELETE'], status: 409 });
    const disarm = nsx.faults.inject({ path: (p) => p.endsWith('/never'), status: 503, times: 5 });
    disarm();
    expect((await api.get(`${G}/never`)).status).toBe(404);
    expect((await api.patch(`${G}/b`, {})).status).toBe(200);
    expect((await api.patch(`${G}/a`, {})).status).toBe(503);
    expect((await api.del(`${G}/b`)).status).toBe(409);
    nsx.faults.clear();
    expect(nsx.faults.pending).toBe(0);
  });
});

describe('unreachable manager', () => {
  it('goOffline refuses connections; goOnline serves again on the same URL with the same state', async () => {
    await api.patch(`${G}/kept`, {});
    await nsx.goOffline();
    await expect(fetch(`${nsx.url}/policy/api/v1${G}`)).rejects.toThrow();
    await nsx.goOnline();
    expect((await api.get(`${G}/kept`)).status).toBe(200);
  });

  it('goOnline({dropSessions}) ends sessions, as a manager restart does', async () => {
    const login = await testClient(nsx, {}).raw('POST', '/api/session/create', {
      body: 'j_username=admin&j_password=pw', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(nsx.sessions.count).toBe(1);
    await nsx.goOffline();
    await nsx.goOnline({ dropSessions: true });
    expect(nsx.sessions.count).toBe(0);
    const cookie = /JSESSIONID=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    expect((await testClient(nsx, { cookie, 'x-xsrf-token': login.headers.get('x-xsrf-token')! }).get(G)).status).toBe(401);
  });
});

describe('paging', () => {
  beforeEach(() => {
    // display names run the other way from ids: a → name-7 ... g → name-1
    ['a', 'b', 'c', 'd', 'e', 'f', 'g'].forEach((id, i) => nsx.state.patch(`${G}/${id}`, { display_name: `name-${7 - i}` }));
  });

  async function all(query = ''): Promise<{ ids: string[]; pages: Array<Record<string, unknown>> }> {
    const pages: Array<Record<string, unknown>> = [];
    let cursor: string | undefined;
    do {
      const r = await api.get(G, [query, cursor ? `cursor=${encodeURIComponent(cursor)}` : ''].filter(Boolean).join('&'));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      pages.push(r.body);
      cursor = r.body.cursor;
    } while (cursor && !cursor.startsWith('0000'));
    return { ids: pages.flatMap((p) => (p['results'] as Array<{ id: string }>).map((x) => x.id)), pages };
  }

  it('pages with a cursor; result_count only on the first page; the last cursor starts with 0000', async () => {
    const { ids, pages } = await all();
    expect(ids).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(pages.map((p) => (p['results'] as unknown[]).length)).toEqual([3, 3, 1]);
    expect(pages[0]!['result_count']).toBe(7);
    expect(pages.slice(1).every((p) => p['result_count'] === undefined)).toBe(true);
    expect(pages[2]!['cursor']).toMatch(/^0000/);
    expect(pages[0]!['cursor']).not.toMatch(/^0000/);
  });

  it('page_size below the server maximum is honoured; above it is capped; over 1000 is 400', async () => {
    expect((await all('page_size=2')).pages).toHaveLength(4);
    expect((await all('page_size=50')).pages).toHaveLength(3);
    expect((await api.get(G, 'page_size=1001')).status).toBe(400);
    expect((await api.get(G, 'page_size=-1')).status).toBe(400);
  });

  it('sort_by and sort_ascending', async () => {
    const up = await all('sort_by=display_name');
    expect(up.ids).toEqual(['g', 'f', 'e', 'd', 'c', 'b', 'a']);
    expect(up.pages[0]).toMatchObject({ sort_by: 'display_name', sort_ascending: true });
    const down = await all('sort_by=display_name&sort_ascending=false');
    expect(down.ids).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(down.pages[0]).toMatchObject({ sort_by: 'display_name', sort_ascending: false });
    expect((await api.get(G, 'sort_ascending=up')).status).toBe(400);
  });

  it('sending the null cursor back, or a forged cursor, is 400', async () => {
    const { pages } = await all();
    expect((await api.get(G, `cursor=${String(pages[2]!['cursor'])}`)).status).toBe(400);
    expect((await api.get(G, 'cursor=garbage')).status).toBe(400);
    const rulesCursor = String(pages[0]!['cursor']);
    expect((await api.get('/infra/services', `cursor=${rulesCursor}`)).status).toBe(400);
  });

  it('a listing that fits in one page has no cursor; lastPageCursor omit leaves it out at the end', async () => {
    const one = await api.get('/infra/spoofguard-profiles');
    expect(one.body.cursor).toBeUndefined();
    expect(one.body.result_count).toBe(1);
    const other = await startNsxEmulator({ users: { admin: 'pw' }, pageSize: 2, lastPageCursor: 'omit' });
    try {
      const c = testClient(other);
      const first = await c.get('/infra/services');
      const second = await c.get('/infra/services', `cursor=${first.body.cursor as string}`);
      const third = await c.get('/infra/services', `cursor=${second.body.cursor as string}`);
      expect(third.body.results.length).toBeGreaterThan(0);
      expect(third.body.cursor).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('listing below a missing parent is 404', async () => {
    expect((await api.get('/infra/domains/nope/groups')).status).toBe(404);
  });
});

describe('request log and write counter', () => {
  it('logs method, path, query, status, user and body; counts writes but not reads or logins', async () => {
    await api.get(G, 'page_size=1');
    await api.patch(`${G}/w`, { display_name: 'w' });
    await api.patch(`${G}/w`, { colour: 1 });
    await testClient(nsx, {}).raw('POST', '/api/session/create', { body: 'j_username=admin&j_password=pw' });
    expect(nsx.requests.map((r) => [r.method, r.status, r.write])).toEqual([
      ['GET', 200, false], ['PATCH', 200, true], ['PATCH', 400, true], ['POST', 200, false],
    ]);
    expect(nsx.requests[0]).toMatchObject({ path: `/policy/api/v1${G}`, query: 'page_size=1', user: 'admin' });
    expect(nsx.requests[1]!.body).toEqual({ display_name: 'w' });
    expect(nsx.writeCount()).toBe(2);
    expect(nsx.writeCount({ succeeded: true })).toBe(1);
    nsx.clearLog();
    expect(nsx.requests).toHaveLength(0);
    expect(nsx.writeCount()).toBe(0);
  });
});

describe('https', () => {
  it('serves TLS with a self-signed certificate for 127.0.0.1 that the returned CA verifies', async () => {
    const secure = await startNsxEmulator({ users: { admin: 'pw' }, tls: true });
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const get = (ca?: string): Promise<number> =>
        new Promise((resolve, reject) => {
          const req = httpsRequest(`${secure.url}/policy/api/v1/infra/services/SSH`, {
            ...(ca ? { ca } : {}), headers: { authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}` },
          }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
      await expect(get()).rejects.toThrow(/self-signed|self signed/);
      expect(await get(secure.ca)).toBe(200);
    } finally {
      await secure.close();
    }
  });
});

describe('slow and dropped requests', () => {
  it('delayMs holds a request, then serves it normally', async () => {
    nsx.faults.inject({ method: 'GET', delayMs: 300 });
    const started = Date.now();
    expect((await api.get(G)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(nsx.requests.at(-1)).toMatchObject({ status: 200 });
  });

  it('a client timeout fires on a delayed request', async () => {
    nsx.faults.inject({ delayMs: 1000, status: 503 });
    await expect(fetch(`${nsx.url}/policy/api/v1${G}`, { signal: AbortSignal.timeout(100) })).rejects.toThrow(/abort|timeout/i);
  });

  it('drop closes the connection without an answer and changes nothing', async () => {
    nsx.faults.inject({ method: 'PATCH', drop: true });
    await expect(api.patch(`${G}/dropped`, {})).rejects.toThrow();
    expect(nsx.state.get(`${G}/dropped`)).toBeUndefined();
    expect(nsx.requests.at(-1)).toMatchObject({ method: 'PATCH', status: 0, fault: true });
    expect((await api.patch(`${G}/dropped`, {})).status).toBe(200);
  });

  it('a fault needs something to do', () => {
    expect(() => nsx.faults.inject({ method: 'GET' })).toThrow(/status, drop or delayMs/);
  });
});
