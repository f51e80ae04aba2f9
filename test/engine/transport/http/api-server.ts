/**
 * A real HTTP or HTTPS server on 127.0.0.1 for the HTTP connection's tests:
 * each test gives the handler (what the API answers), the server records
 * every request it got (method, path, query, headers, body), so tests can
 * count attempts and check what was sent. HTTPS uses a self-signed
 * certificate made with `openssl req` for 127.0.0.1 and localhost.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  readonly at: number;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string | string[]>>;
  /** an object is sent as JSON */
  readonly body?: unknown;
}

/** What the server answers; `null` drops the connection without an answer (a reset). */
export type Handler = (req: SeenRequest, index: number) => Reply | null | Promise<Reply | null>;

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  readonly requests: SeenRequest[];
  handler: Handler;
  close(): Promise<void>;
}

export interface Cert {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
  remove(): void;
}

/** A self-signed certificate (its own CA) for 127.0.0.1 and localhost. */
export function selfSignedCert(cn = 'tsplay-test-api'): Cert {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-http-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile],
    { stdio: 'pipe' },
  );
  return { dir, certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function send(res: ServerResponse, r: Reply): void {
  const json = r.body !== undefined && typeof r.body !== 'string';
  const body = r.body === undefined ? '' : json ? JSON.stringify(r.body) : r.body;
  res.writeHead(r.status, { ...(json ? { 'content-type': 'application/json' } : {}), ...r.headers });
  res.end(body);
}

export async function startApiServer(handler: Handler, tls?: Cert): Promise<ApiServer> {
  const requests: SeenRequest[] = [];
  const state = { handler };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const seen: SeenRequest = { method: req.method ?? '', path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(seen);
      Promise.resolve(state.handler(seen, requests.length - 1)).then(
        (r) => (r === null ? req.socket.destroy() : send(res, r)),
        (e: unknown) => send(res, { status: 500, body: `handler failed: ${(e as Error).message}` }),
      );
    });
  };
  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, onRequest) : createHttpServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    get handler() {
      return state.handler;
    },
    set handler(h: Handler) {
      state.handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createHttpServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
