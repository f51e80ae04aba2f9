/**
 * The settings of a Kubernetes API host (`tsplay_connection: kubernetes`),
 * read from the host's variables. See docs/kubernetes.md.
 *
 *   kubeconfig  tsplay_kubeconfig: a kubeconfig file on the controller (relative paths from the
 *               working directory, as kubectl reads --kubeconfig); required
 *   context     tsplay_kube_context: the context to use (default: the file's current-context)
 *   server      tsplay_kube_server: another URL for the same API server (a kubeconfig fetched from a
 *               control plane names the VIP; the controller may reach it elsewhere)
 *   timeout     tsplay_kube_timeout: seconds per request (default 30)
 *   retries     tsplay_kube_retries: retries on 429/503 and on resets of reads (default 5)
 */
import { ConnectionVarError } from '../connection-vars.js';
import type { ConnectionSettings } from '../transport.js';

export const KUBE_VARS = {
  kubeconfig: ['tsplay_kubeconfig'],
  context: ['tsplay_kube_context'],
  server: ['tsplay_kube_server'],
  timeout: ['tsplay_kube_timeout'],
  retries: ['tsplay_kube_retries'],
} as const satisfies Record<string, readonly string[]>;

export interface KubeSettings {
  readonly host: string;
  readonly kubeconfig: string;
  readonly context?: string;
  readonly server?: URL;
  readonly timeoutMs: number;
  readonly retries: number;
}

function first(s: ConnectionSettings, names: readonly string[]): unknown {
  for (const n of names) if (s.vars[n] !== undefined && s.vars[n] !== null) return s.vars[n];
  return undefined;
}

function text(s: ConnectionSettings, names: readonly string[]): string | undefined {
  const v = first(s, names);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new ConnectionVarError(s.host, `${names[0]} must be a string, got ${typeof v}`);
  return v;
}

function count(s: ConnectionSettings, names: readonly string[], fallback: number, min: number): number {
  const v = first(s, names);
  if (v === undefined || v === '') return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : NaN;
  if (!Number.isFinite(n) || n < min) throw new ConnectionVarError(s.host, `${names[0]} must be a number >= ${min}, got ${JSON.stringify(v)}`);
  return n;
}

export function kubeSettings(s: ConnectionSettings): KubeSettings {
  const kubeconfig = text(s, KUBE_VARS.kubeconfig);
  if (kubeconfig === undefined) {
    throw new ConnectionVarError(s.host, 'tsplay_connection: kubernetes needs tsplay_kubeconfig (a kubeconfig file on the controller)', {
      hint: 'fetch /etc/kubernetes/admin.conf from the first control plane with the fetch module, then point tsplay_kubeconfig at it',
    });
  }
  const context = text(s, KUBE_VARS.context);
  const serverText = text(s, KUBE_VARS.server);
  let server: URL | undefined;
  if (serverText !== undefined) {
    try {
      server = new URL(serverText);
    } catch {
      throw new ConnectionVarError(s.host, `tsplay_kube_server is not a URL: ${serverText}`);
    }
    if (server.protocol !== 'https:') throw new ConnectionVarError(s.host, `tsplay_kube_server must be an https:// URL, got ${serverText}`);
  }
  return {
    host: s.host,
    kubeconfig,
    ...(context !== undefined ? { context } : {}),
    ...(server ? { server } : {}),
    timeoutMs: count(s, KUBE_VARS.timeout, 30, 1) * 1000,
    retries: Math.floor(count(s, KUBE_VARS.retries, 5, 0)),
  };
}
