/**
 * The connection factory for `tsplay_connection: http`. The ConnectionPool
 * calls it once per host, on the host's first task: it reads the host's
 * settings, builds its auth strategy and client, and (for session auth)
 * logs in, so a manager that cannot be reached or refuses the credentials
 * makes the host unreachable right there. The client (and axios) is loaded
 * on the first http host, so other runs do not pay for it at start-up.
 */
import { readFile } from 'node:fs/promises';
import { ConnectionVarError } from '../connection-vars.js';
import type { ConnectionFactory, ConnectionSettings } from '../transport.js';
import { BasicAuth, NoAuth, type Credentials, type HttpAuth } from './auth.js';
import type { HttpClientOptions } from './client.js';
import { HttpConnection } from './connection.js';
import { NsxSessionAuth } from './nsx-session.js';
import { httpSettings, type HttpSettings } from './settings.js';
import { VsphereSoapAuth } from './vsphere-soap.js';
import { VsphereRestSessionAuth } from './vsphere-rest-session.js';

export interface HttpFactoryOptions {
  /** a line per login, expired session and retry (no secrets), with the host it concerns */
  readonly log?: (host: string, line: string) => void;
  /** the run's abort signal (Ctrl-C) */
  readonly signal?: AbortSignal;
  /** for tests: no real waits between retries */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** for tests: how long close() waits for the session logout */
  readonly logoutWaitMs?: number;
}

export function authFor(s: HttpSettings): HttpAuth {
  if (s.auth === 'none') return new NoAuth();
  const creds: Credentials = { user: s.user!, password: s.password! };
  switch (s.auth) {
    case 'basic':
      return new BasicAuth(creds);
    case 'nsx_session':
      return new NsxSessionAuth(s.host, creds);
    case 'vsphere_soap':
      return new VsphereSoapAuth(s.host, creds);
    case 'vsphere_rest':
      return new VsphereRestSessionAuth(s.host, creds);
  }
}

async function readCa(s: HttpSettings): Promise<Buffer | undefined> {
  if (s.caFile === undefined) return undefined;
  try {
    return await readFile(s.caFile);
  } catch (e) {
    throw new ConnectionVarError(s.host, `tsplay_http_ca_file ${s.caFile} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Opens the HTTP connection of one host. */
export async function openHttpConnection(settings: ConnectionSettings, opts: HttpFactoryOptions = {}): Promise<HttpConnection> {
  const s = httpSettings(settings);
  const ca = await readCa(s);
  const clientOptions: HttpClientOptions = {
    settings: s,
    auth: authFor(s),
    ...(ca ? { ca } : {}),
    ...(opts.log ? { log: (line: string) => opts.log!(settings.host, line) } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.logoutWaitMs !== undefined ? { logoutWaitMs: opts.logoutWaitMs } : {}),
  };
  // axios is loaded only by runs that have an http host
  const { AxiosHttpClient } = await import('./client.js');
  const client = new AxiosHttpClient(clientOptions);
  try {
    await client.connect();
  } catch (e) {
    await client.close();
    throw e;
  }
  return new HttpConnection(settings.host, client);
}

export function createHttpConnectionFactory(opts: HttpFactoryOptions = {}): ConnectionFactory {
  return (settings) => openHttpConnection(settings, opts);
}
