/**
 * uri against a real local API server through an HttpConnection, the way
 * the engine runs it (validate, check, apply only when changed and not in
 * check mode); and what check mode's context offers (a reader, no request).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ModuleFailure } from '../../src/engine/errors.js';
import { controllerFiles } from '../../src/engine/run/controller-files.js';
import { createApplyContext, createHostContext, type HostContextOptions } from '../../src/engine/run/host-context.js';
import { LocalConnection } from '../../src/engine/transport/local.js';
import { openHttpConnection, type HttpConnection } from '../../src/engine/transport/http/index.js';
import type { Connection } from '../../src/engine/transport/transport.js';
import uri from '../../src/modules/uri.js';
import { startApiServer, type ApiServer, type Handler } from '../engine/transport/http/api-server.js';
import { checkThenApply, engineEvaluators, InvalidParams, validateParams } from '../helpers/module-harness.js';

const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.allSettled(closers.splice(0).map((c) => c.close()));
});

async function api(handler: Handler): Promise<{ server: ApiServer; conn: HttpConnection; vars: Record<string, unknown> }> {
  const server = await startApiServer(handler);
  closers.push(server);
  const vars = { tsplay_connection: 'http', tsplay_http_url: `${server.url}/api`, tsplay_http_retries: 0 };
  const conn = await openHttpConnection({ host: 'api1', connection: 'http', address: 'api1', vars });
  closers.push(conn);
  return { server, conn, vars };
}

function options(conn: Connection, vars: Record<string, unknown>, check: boolean, debug: string[] = []): HostContextOptions {
  return {
    host: 'api1',
    connection: async () => conn,
    vars,
    checkMode: check,
    diffMode: true,
    controller: controllerFiles({ playbookDir: process.cwd() }),
    ...engineEvaluators(vars),
    warn: () => undefined,
    debug: (m) => debug.push(m),
  };
}

async function run(conn: Connection, vars: Record<string, unknown>, params: Record<string, unknown>, check = false) {
  return checkThenApply(uri, options(conn, vars, check), validateParams(uri, params), check);
}

const echo: Handler = (req) => ({ status: req.method === 'POST' ? 201 : 200, body: { method: req.method, path: req.path, query: req.query.toString(), body: req.body || null } });

describe('uri', () => {
  it('GET reads in check mode too and never reports a change', async () => {
    const { server, conn, vars } = await api(echo);
    for (const check of [true, false]) {
      const r = await run(conn, vars, { path: '/v1/things?x=1' }, check);
      expect(r.changed).toBe(false);
      expect(r.result).toMatchObject({ status: 200, json: { method: 'GET', path: '/api/v1/things', query: 'x=1' }, msg: 'OK (200)' });
    }
    expect(server.requests).toHaveLength(2);
  });

  it('a write is predicted in check mode without sending, and sent in a real run', async () => {
    const { server, conn, vars } = await api(echo);
    const params = { url: `${server.url}/api/v1/things`, method: 'POST', body: { name: 'a' }, status_code: 201, return_content: true };
    const predicted = await run(conn, vars, params, true);
    expect(predicted.changed).toBe(true);
    expect(predicted.plan.diff).toEqual([{ label: 'POST /v1/things', after: { name: 'a' } }]);
    expect(server.requests).toHaveLength(0);
    const real = await run(conn, vars, params);
    expect(real.changed).toBe(true);
    expect(real.result).toMatchObject({ status: 201, json: { body: '{"name":"a"}' } });
    expect(JSON.parse(String(real.result.content))).toMatchObject({ method: 'POST' });
    expect(server.requests[0]!.headers['content-type']).toBe('application/json');
  });

  it('raw bodies go as they are; a JSON string body is sent as JSON text', async () => {
    const { server, conn, vars } = await api(echo);
    await run(conn, vars, { path: '/x', method: 'PUT', body: 'a=1&b=2', body_format: 'raw', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    await run(conn, vars, { path: '/x', method: 'PUT', body: '{"a":1}' });
    expect(server.requests.map((r) => [r.headers['content-type'], r.body])).toEqual([
      ['application/x-www-form-urlencoded', 'a=1&b=2'],
      ['application/json', '{"a":1}'],
    ]);
  });

  it('a status outside status_code fails the task with the registered answer', async () => {
    const { conn, vars } = await api(() => ({ status: 200, body: { ok: true } }));
    const e = await run(conn, vars, { path: '/x', status_code: [201, 204] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModuleFailure);
    expect((e as ModuleFailure).message).toBe('Status code was 200 and not [201, 204]: GET /x');
    expect((e as ModuleFailure).result).toMatchObject({ status: 200, json: { ok: true } });
  });

  it('an error status outside status_code is the connection\'s HttpError; inside it, an answer', async () => {
    const { server, conn, vars } = await api(() => ({ status: 404, body: { error_code: 600, error_message: 'The path is invalid' } }));
    const e = await run(conn, vars, { path: '/missing' }).catch((x: unknown) => x);
    expect((e as Error).message).toBe(`GET ${server.url}/api/missing failed with 404 Not Found: The path is invalid (600)`);
    expect((await run(conn, vars, { path: '/missing', status_code: [200, 404] })).result).toMatchObject({ status: 404 });
  });

  it('refuses a url outside tsplay_http_url, and bad parameter combinations before anything runs', async () => {
    const { server, conn, vars } = await api(echo);
    const e = await run(conn, vars, { url: 'https://elsewhere.example/api/x' }).catch((x: unknown) => x);
    expect((e as Error).message).toBe(`url must start with the host's tsplay_http_url (${server.url}/api); credentials are only sent there`);
    expect(() => validateParams(uri, { path: '/a', url: `${server.url}/api/a` })).toThrow(InvalidParams);
    expect(() => validateParams(uri, { method: 'GET' })).toThrow(InvalidParams);
    expect(() => validateParams(uri, { path: '/a', method: 'HEAD' })).toThrow(InvalidParams);
    const mapping = { ...vars, tsplay_http_url: { url: `${server.url}/api` } };
    const notText = await run(conn, mapping, { url: `${server.url}/api/x` }).catch((x: unknown) => x);
    expect((notText as Error).message).toBe("url needs the host's tsplay_http_url as plain text to compare with, and it is not text (a mapping or a vaulted value); use path instead");
    const list = await run(conn, { ...vars, tsplay_http_url: [`${server.url}/api`] }, { url: `${server.url}/api/x` }).catch((x: unknown) => x);
    expect((list as Error).message).toBe("url needs the host's tsplay_http_url as plain text to compare with, and it is a list; use path instead");
    const raw = await run(conn, vars, { path: '/a', method: 'POST', body: { a: 1 }, body_format: 'raw' }).catch((x: unknown) => x);
    expect((raw as Error).message).toBe('body_format raw needs a string body (use body_format json for objects)');
    expect(server.requests).toHaveLength(0);
    // with path, the module never looks at tsplay_http_url (the connection has its own)
    expect((await run(conn, mapping, { path: '/v1/a' })).result).toMatchObject({ status: 200 });
  });
});

describe('ctx.http()', () => {
  it('check gets a reader without request; apply gets the full client; calls are shown at -vv by path only', async () => {
    const { conn, vars } = await api(echo);
    const debug: string[] = [];
    const reader = await createHostContext(options(conn, vars, true, debug)).http();
    expect(Object.keys(reader).sort()).toEqual(['get', 'read']);
    expect('request' in reader).toBe(false);
    const client = await createApplyContext(options(conn, vars, false, debug)).http();
    expect(typeof client.request).toBe('function');
    await reader.get('/v1/a?token=abc123');
    await client.request({ method: 'DELETE', path: '/v1/b' });
    expect(debug).toEqual(['http: GET /v1/a → 200', 'http: DELETE /v1/b → 200']);
  });

  it('on a host that is not an http host, names the connection it has', async () => {
    const local = new LocalConnection('web1');
    const e = await createHostContext({ ...options(local, {}, true), host: 'web1' })
      .http()
      .catch((x: unknown) => x);
    expect((e as Error).message).toBe("this module talks to an HTTP API, but host 'web1' uses connection 'local'; set tsplay_connection: http and tsplay_http_url for it");
  });
});
