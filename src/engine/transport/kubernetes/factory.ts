/**
 * The connection factory for `tsplay_connection: kubernetes`. The pool calls
 * it on the host's first task: it reads the kubeconfig (so a task earlier in
 * the run may have fetched it), then asks the API server for /version with
 * the kubeconfig's credentials. A server that cannot be reached, a
 * certificate the kubeconfig's CA does not vouch for, and credentials it
 * refuses (401, 403) make the host unreachable right there, naming the
 * cluster and the cause.
 */
import { UnreachableError } from '../../errors.js';
import type { ConnectionFactory, ConnectionSettings } from '../transport.js';
import { KubeRestClient } from './client.js';
import { KubeConnection } from './connection.js';
import { KubeApiError } from './errors.js';
import { loadKubeAccess } from './kubeconfig.js';
import { kubeSettings } from './settings.js';

export interface KubeFactoryOptions {
  readonly log?: (host: string, line: string) => void;
  readonly signal?: AbortSignal;
  readonly sleep?: (ms: number) => Promise<void>;
}

export async function openKubeConnection(settings: ConnectionSettings, opts: KubeFactoryOptions = {}): Promise<KubeConnection> {
  const s = kubeSettings(settings);
  const access = await loadKubeAccess(s.host, s.kubeconfig, s.context);
  const client = new KubeRestClient({
    host: s.host,
    access,
    ...(s.server ? { server: s.server } : {}),
    timeoutMs: s.timeoutMs,
    retries: s.retries,
    ...(opts.log ? { log: (line: string) => opts.log!(s.host, line) } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });
  try {
    await client.version();
  } catch (e) {
    client.close();
    if (e instanceof KubeApiError && (e.status === 401 || e.status === 403)) {
      const why = e.status === 401 ? 'refused the credentials (401 Unauthorized)' : `does not let them in (403 Forbidden: ${e.message.split(' (')[0]})`;
      throw new UnreachableError(s.host, `Kubernetes API ${client.cluster} ${why}`, {
        hint: `check the user of context '${access.contextName}' in ${s.kubeconfig} (an expired token or client certificate?)`,
        cause: e,
      });
    }
    throw e;
  }
  return new KubeConnection(s.host, client);
}

export function createKubeConnectionFactory(opts: KubeFactoryOptions = {}): ConnectionFactory {
  return (settings) => openKubeConnection(settings, opts);
}
