/**
 * vCenter for tests: vcsim reached through tsplay's real HTTP connection
 * (`tsplay_connection: http`, auth vsphere_soap), with a counting proxy
 * around its client that records each SOAP method sent, so tests can say
 * "no CloneVM_Task, ReconfigVM_Task or PowerOnVM_Task was sent".
 */
import type { HttpClient, HttpRequest } from '../../src/engine/module.js';
import { openHttpConnection } from '../../src/engine/transport/http/index.js';
import type { Connection } from '../../src/engine/transport/transport.js';
import type { Vcsim } from '../lab/vcsim.js';
import { runModuleOn, type ConnRunOutcome } from './engine-semantics.js';

/** The SOAP methods that change vCenter's inventory. */
export const SOAP_WRITES = ['CloneVM_Task', 'ReconfigVM_Task', 'PowerOnVM_Task', 'CustomizeVM_Task', 'PowerOffVM_Task', 'Destroy_Task'] as const;

export interface CountedCall {
  readonly method: string;
  /** sent through `request` (apply) rather than `read` */
  readonly viaRequest: boolean;
  /** the SOAP envelope sent */
  readonly body: string;
}

/** The vim25 method of a SOAP request body (`<soapenv:Body><CloneVM_Task ...>`). */
export function soapMethod(body: unknown): string {
  return typeof body === 'string' ? (/<(?:\w+:)?Body>\s*<(\w+)/.exec(body)?.[1] ?? '?') : '?';
}

/** How many calls of each method were in flight at once, at most. */
export type PeakConcurrency = Map<string, number>;

export function countingClient(inner: HttpClient, calls: CountedCall[], peak: PeakConcurrency = new Map()): HttpClient {
  const inFlight = new Map<string, number>();
  const track = async <T>(req: HttpRequest, viaRequest: boolean, send: () => Promise<T>): Promise<T> => {
    const method = soapMethod(req.body);
    calls.push({ method, viaRequest, body: typeof req.body === 'string' ? req.body : '' });
    const n = (inFlight.get(method) ?? 0) + 1;
    inFlight.set(method, n);
    peak.set(method, Math.max(peak.get(method) ?? 0, n));
    try {
      return await send();
    } finally {
      inFlight.set(method, (inFlight.get(method) ?? 1) - 1);
    }
  };
  return {
    get: (path, opts) => inner.get(path, opts),
    read: (req) => track(req, false, () => inner.read(req)),
    request: (req) => track(req, true, () => inner.request(req)),
  };
}

export function writesIn(calls: readonly CountedCall[]): string[] {
  return calls.filter((c) => (SOAP_WRITES as readonly string[]).includes(c.method)).map((c) => c.method);
}

/** The host variables of a `vcenter` inventory host pointing at vcsim. */
export function vcenterVars(sim: Pick<Vcsim, 'baseUrl' | 'user' | 'password'>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tsplay_connection: 'http',
    tsplay_http_url: sim.baseUrl,
    tsplay_http_user: sim.user,
    tsplay_http_password: sim.password,
    tsplay_http_auth: 'vsphere_soap',
    tsplay_http_retries: 1,
    tsplay_http_retry_delay: 0.05,
    ...extra,
  };
}

export interface CountedConnection {
  readonly connection: Connection;
  readonly http: HttpClient;
  readonly calls: CountedCall[];
  readonly peak: PeakConcurrency;
  /** the connection's own log lines (requests, logins; no secrets) */
  readonly log: string[];
}

/** Opens tsplay's HTTP connection to vcsim (logging in) and wraps its client in the counter. */
export async function openVcenter(sim: Pick<Vcsim, 'baseUrl' | 'user' | 'password'>, vars: Record<string, unknown> = {}): Promise<CountedConnection> {
  const log: string[] = [];
  const conn = await openHttpConnection({ host: 'vcenter', connection: 'http', address: '127.0.0.1', vars: vcenterVars(sim, vars) }, { log: (_host: string, line: string) => log.push(line) });
  const calls: CountedCall[] = [];
  const peak: PeakConcurrency = new Map();
  const http = countingClient(conn.http, calls, peak);
  const connection: Connection = {
    host: conn.host,
    kind: conn.kind,
    exec: (c) => conn.exec(c),
    put: (p) => conn.put(p),
    get: (p) => conn.get(p),
    close: () => conn.close(),
    http,
  };
  return { connection, http, calls, peak, log };
}

export type VcenterRun<S> = ConnRunOutcome<S>;

/** A module on the vcenter host with the engine's semantics (see runModuleOn). */
export const runOnVcenter = runModuleOn;
