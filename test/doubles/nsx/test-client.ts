/** A tiny HTTP client for the emulator's own tests: basic auth by default, JSON in and out. */
import type { NsxEmulator } from './server.js';

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  /** the parsed JSON answer; `any` because the tests read arbitrary fields of it */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see eslint.config.js (test/doubles/nsx tests)
  readonly body: any;
}

export interface TestClient {
  /** any request; `path` is below the server root (e.g. /api/session/create) */
  raw(method: string, path: string, init?: { body?: string; headers?: Record<string, string> }): Promise<Reply>;
  /** requests below /policy/api/v1 */
  get(path: string, query?: string): Promise<Reply>;
  patch(path: string, body: unknown, query?: string): Promise<Reply>;
  put(path: string, body: unknown): Promise<Reply>;
  del(path: string): Promise<Reply>;
}

export function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

export function testClient(nsx: Pick<NsxEmulator, 'url'>, authHeaders: Record<string, string> = basic('admin', 'pw')): TestClient {
  const raw: TestClient['raw'] = async (method, path, init = {}) => {
    const res = await fetch(`${nsx.url}${path}`, { method, headers: { ...authHeaders, ...init.headers }, ...(init.body !== undefined ? { body: init.body } : {}) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const json = (method: string, path: string, body: unknown, query?: string): Promise<Reply> =>
    raw(method, `/policy/api/v1${path}${query ? `?${query}` : ''}`, {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  return {
    raw,
    get: (path, query) => raw('GET', `/policy/api/v1${path}${query ? `?${query}` : ''}`),
    patch: (path, body, query) => json('PATCH', path, body, query),
    put: (path, body) => json('PUT', path, body),
    del: (path) => raw('DELETE', `/policy/api/v1${path}`),
  };
}
