/**
 * The NSX-T 4.2 Policy API emulator as a real HTTP(S) server on 127.0.0.1 and a random port, for tests:
 *
 *   const nsx = await startNsxEmulator({ users: { admin: 'pw' } });
 *   // ... point a client at nsx.url ...
 *   await nsx.close();
 *
 * It serves `/api/session/create|destroy` and `/policy/api/v1/infra/...` (see policy-api.ts and README.md),
 * logs every request, answers injected faults, and can go offline (listener closed) and come back.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { Authenticator, type LockoutPolicy } from './auth.js';
import { ErrorCode, NsxApiError } from './errors.js';
import { FabricInventory, type VmSpec } from './fabric.js';
import { FaultInjector } from './faults.js';
import type { Body } from './kinds.js';
import { PolicyApi } from './policy-api.js';
import { RateLimiter } from './rate-limit.js';
import { selfSignedCert } from './tls.js';

export interface NsxEmulatorOptions {
  /** user → password, for basic auth and session login */
  readonly users: Readonly<Record<string, string>>;
  /** largest page a list answers (NSX: 1000); set it low to make clients page */
  readonly pageSize?: number;
  /** the last page of a paged listing carries a "0000…" cursor (default) or none */
  readonly lastPageCursor?: 'null-prefix' | 'omit';
  /** PATCH of a policy (service) with `rules` (`service_entries`): keep unlisted children (default) or delete them */
  readonly patchEmbedded?: 'merge' | 'replace';
  /** stored address bindings count as realized and cannot be removed (default true) */
  readonly bindingsRealized?: boolean;
  /** status for a request on an expired or unknown session (default 401) */
  readonly sessionExpiredStatus?: 401 | 403;
  /** a session unused this long expires (NSX session_timeout, default 1800 s); off when left out */
  readonly sessionIdleTimeoutMs?: number;
  /** account lockout after failed logins (default NSX's: 5 failures in 900 s lock for 900 s); false: off */
  readonly lockout?: LockoutPolicy | false;
  /** per-client requests per second before 429 (NSX default 100); off when left out */
  readonly clientApiRateLimit?: number;
  /** serve HTTPS with a fresh self-signed certificate for 127.0.0.1 (`ca` holds it) */
  readonly tls?: boolean;
}

export interface LoggedRequest {
  readonly method: string;
  /** URL path without the query */
  readonly path: string;
  readonly query: string;
  /** the answer's status; 0 when an injected fault dropped the connection */
  readonly status: number;
  /** the authenticated user, when there was one */
  readonly user?: string;
  /** the parsed JSON body of a write, or the raw text */
  readonly body?: unknown;
  /** a PATCH/PUT/POST/DELETE outside /api/session */
  readonly write: boolean;
  /** answered by an injected fault */
  readonly fault: boolean;
}

export interface NsxEmulator {
  /** base URL, e.g. http://127.0.0.1:43121 (no trailing slash) */
  readonly url: string;
  readonly port: number;
  /** PEM of the self-signed certificate when `tls` is on */
  readonly ca?: string;
  readonly faults: FaultInjector;
  /** every request so far, in order */
  readonly requests: readonly LoggedRequest[];
  clearLog(): void;
  /** write requests (PATCH/PUT/POST/DELETE on the API, not sessions) so far; `succeeded` counts only 2xx */
  writeCount(opts?: { readonly succeeded?: boolean }): number;
  readonly sessions: { expireAll(): number; readonly count: number };
  /** account lockout state (see `lockout`) */
  readonly accounts: { isLocked(user: string): boolean; unlockAll(): void };
  readonly state: {
    /** the object as GET returns it, or undefined */
    get(path: string): Body | undefined;
    /** every stored policy path (embedded rules and entries included), sorted */
    paths(): string[];
    /** PATCH through the API's own validation, as `user` (default "admin"), without HTTP, log or faults */
    patch(path: string, body: unknown, user?: string): void;
    /** PUT, DELETE and hierarchical PATCH likewise */
    put(path: string, body: unknown, user?: string): void;
    delete(path: string, user?: string): void;
    patchInfra(body: unknown, opts?: { readonly enforceRevisionCheck?: boolean; readonly user?: string }): void;
    /** the whole state as JSON, to compare before and after */
    snapshot(): string;
  };
  /** the Manager API's VM/VIF inventory (GET /api/v1/fabric/virtual-machines and /vifs) */
  readonly inventory: {
    /**
     * adds a VM with its NICs; a NIC with `segment` and `port` also gets that segment port (created, or
     * updated) with `attachment.id` set to the VIF's `lport_attachment_id`. Returns the VIFs.
     */
    addVm(vm: VmSpec): Body[];
  };
  /** closes the listener and drops open connections: the manager is unreachable until `goOnline` */
  goOffline(): Promise<void>;
  /** listens again on the same port; sessions survive unless `dropSessions` */
  goOnline(opts?: { readonly dropSessions?: boolean }): Promise<void>;
  close(): Promise<void>;
}

const POLICY_PREFIX = '/policy/api/v1';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new NsxApiError(400, ErrorCode.invalidRequest, 'The request body is not valid JSON.');
  }
}

export async function startNsxEmulator(options: NsxEmulatorOptions): Promise<NsxEmulator> {
  const auth = new Authenticator({
    users: options.users,
    sessionExpiredStatus: options.sessionExpiredStatus ?? 401,
    ...(options.lockout === undefined ? {} : { lockout: options.lockout }),
    ...(options.sessionIdleTimeoutMs === undefined ? {} : { sessionIdleTimeoutMs: options.sessionIdleTimeoutMs }),
  });
  const limiter = options.clientApiRateLimit ? new RateLimiter(options.clientApiRateLimit) : undefined;
  const faults = new FaultInjector();
  const policyOptions = {
    defaultPageSize: Math.min(options.pageSize ?? 1000, 1000),
    lastPageCursor: options.lastPageCursor ?? 'null-prefix',
    patchEmbedded: options.patchEmbedded ?? 'merge',
    bindingsRealized: options.bindingsRealized ?? true,
  } as const;
  const api = new PolicyApi(policyOptions);
  const fabric = new FabricInventory();
  let log: LoggedRequest[] = [];

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = await readBody(req);
    const isSession = url.pathname.startsWith('/api/session/');
    const entry = { method, path: url.pathname, query: url.search.replace(/^\?/, ''), write: WRITE_METHODS.has(method) && !isSession };
    let user: string | undefined;
    let loggedBody: unknown = isSession ? undefined : text === '' ? undefined : text;
    const send = (status: number, body?: unknown, headers: Record<string, string | string[]> = {}, fault = false): void => {
      log.push({ ...entry, status, fault, ...(user === undefined ? {} : { user }), ...(loggedBody === undefined ? {} : { body: loggedBody }) });
      const payload = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers });
      res.end(payload);
    };
    try {
      const hit = faults.take(method, url.pathname);
      if (hit) {
        if (hit.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, hit.delayMs));
        if (hit.drop) {
          log.push({ ...entry, status: 0, fault: true });
          req.socket.destroy();
          return;
        }
        if (hit.error) {
          send(hit.error.status, hit.error.body(), hit.retryAfter === undefined ? {} : { 'retry-after': String(hit.retryAfter) }, true);
          return;
        }
      }
      if (url.pathname === '/api/session/create' && method === 'POST') {
        const s = auth.createSession(text);
        user = s.user;
        send(200, undefined, { 'set-cookie': `JSESSIONID=${s.sessionId}; Path=/; Secure; HttpOnly`, 'x-xsrf-token': s.xsrf });
        return;
      }
      if (url.pathname === '/api/session/destroy' && method === 'POST') {
        user = auth.authenticate(req);
        auth.destroySession(req);
        send(200);
        return;
      }
      user = auth.authenticate(req);
      limiter?.admit(user);
      const fabricList = /^\/api\/v1\/fabric\/(virtual-machines|vifs)$/.exec(url.pathname);
      if (fabricList && method === 'GET') {
        send(200, fabric.list(fabricList[1] as 'virtual-machines' | 'vifs', url.searchParams, policyOptions));
        return;
      }
      if (url.pathname !== POLICY_PREFIX && !url.pathname.startsWith(`${POLICY_PREFIX}/`)) {
        throw new NsxApiError(404, ErrorCode.notFound, `The emulator does not serve ${url.pathname}.`);
      }
      const contentType = req.headers['content-type'] ?? '';
      if (WRITE_METHODS.has(method) && text.trim() !== '' && !/^application\/json\b/i.test(contentType)) {
        // [U] NSX's Spring front end refuses other media types; the exact status/code is not documented
        throw new NsxApiError(415, 415, `Content type '${contentType}' is not supported; send application/json.`);
      }
      const body = WRITE_METHODS.has(method) ? parseJson(text) : undefined;
      if (body !== undefined) loggedBody = body;
      const out = api.handle(method, url.pathname.slice(POLICY_PREFIX.length), url.searchParams, body, user);
      send(out.status, out.body);
    } catch (e) {
      if (e instanceof NsxApiError) send(e.status, e.body());
      else send(500, new NsxApiError(500, 500, `Emulator bug: ${(e as Error).stack ?? String(e)}`).body());
    }
  }

  const tlsCert = options.tls ? await selfSignedCert() : undefined;
  const handler = (req: IncomingMessage, res: ServerResponse): void => void serve(req, res);
  const sockets = new Set<Socket>();
  let server: Server;
  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server = tlsCert ? createHttpsServer({ key: tlsCert.key, cert: tlsCert.cert }, handler) : createHttpServer(handler);
      server.keepAliveTimeout = 1000;
      server.on(tlsCert ? 'secureConnection' : 'connection', (s: Socket) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      sockets.clear();
    });

  const port = await listen(0);
  const asUser = (user?: string): string => user ?? Object.keys(options.users)[0] ?? 'admin';

  return {
    url: `${tlsCert ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    ...(tlsCert ? { ca: tlsCert.cert } : {}),
    faults,
    get requests() {
      return log;
    },
    clearLog() {
      log = [];
    },
    writeCount(opts) {
      return log.filter((r) => r.write && (!opts?.succeeded || (r.status >= 200 && r.status < 300))).length;
    },
    sessions: {
      expireAll: () => auth.expireAll(),
      get count() {
        return auth.sessionCount;
      },
    },
    state: {
      get: (path) => api.view(path),
      paths: () => api.paths(),
      patch: (path, body, user) => void api.handle('PATCH', path, new URLSearchParams(), body, asUser(user)),
      put: (path, body, user) => void api.handle('PUT', path, new URLSearchParams(), body, asUser(user)),
      delete: (path, user) => void api.handle('DELETE', path, new URLSearchParams(), undefined, asUser(user)),
      patchInfra: (body, o) =>
        void api.handle('PATCH', '/infra', new URLSearchParams(o?.enforceRevisionCheck ? 'enforce_revision_check=true' : ''), body, asUser(o?.user)),
      snapshot: () => JSON.stringify(api.paths().map((p) => [p, api.view(p)])),
    },
    accounts: {
      isLocked: (u) => auth.isLocked(u),
      unlockAll: () => auth.unlockAll(),
    },
    inventory: {
      addVm(vm) {
        const vifs = fabric.add(vm);
        vm.nics.forEach((nic, i) => {
          if (nic.segment === undefined || nic.port === undefined) return;
          const path = `/infra/segments/${nic.segment}/ports/${nic.port}`;
          api.handle('PATCH', path, new URLSearchParams(), { attachment: { id: vifs[i]!['lport_attachment_id'], type: 'INDEPENDENT' } }, 'system');
        });
        return vifs;
      },
    },
    goOffline: stop,
    async goOnline(opts) {
      if (opts?.dropSessions) auth.expireAll();
      if (!server.listening) await listen(port);
    },
    close: stop,
  };
}
