/**
 * What a kubeconfig grants: the API server's URL, the CA its certificate must
 * chain to, and the credentials (client certificate and key, a bearer token,
 * or an exec plugin's token), for one context. Read with
 * @kubernetes/client-node's KubeConfig (loaded on the first Kubernetes host),
 * so every form kubectl reads is read the same way.
 *
 * None of it is ever printed: errors name the file, the context and the
 * cluster's server, never a key or a token.
 */
import type { RequestOptions } from 'node:https';
import { UnreachableError } from '../../errors.js';

export interface KubeAccess {
  readonly contextName: string;
  readonly clusterName: string;
  readonly server: URL;
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** Authorization and the like: secret, never logged */
  readonly headers: Readonly<Record<string, string>>;
  readonly rejectUnauthorized: boolean;
}

/** A kubeconfig that cannot be used: missing, unreadable, or without the context asked for. */
export class KubeconfigError extends UnreachableError {
  constructor(host: string, message: string, hint?: string) {
    super(host, message, hint === undefined ? {} : { hint });
  }
}

export async function loadKubeAccess(host: string, file: string, context: string | undefined): Promise<KubeAccess> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KubeconfigError(host, `kubeconfig ${file} ${code === 'ENOENT' ? 'does not exist' : `cannot be read: ${code ?? firstLine(e)}`}`, 'set tsplay_kubeconfig to the admin kubeconfig fetched from the first control plane');
  }
  const names = kc.getContexts().map((c) => c.name);
  if (context !== undefined) {
    if (!names.includes(context)) throw new KubeconfigError(host, `kubeconfig ${file} has no context '${context}' (it has: ${names.join(', ') || 'none'})`);
    kc.setCurrentContext(context);
  }
  const current = kc.getCurrentContext();
  if (!current || !names.includes(current)) throw new KubeconfigError(host, `kubeconfig ${file} names no current context; set tsplay_kube_context (contexts: ${names.join(', ') || 'none'})`);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeconfigError(host, `kubeconfig ${file}: context '${current}' names no cluster`);
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch {
    throw new KubeconfigError(host, `kubeconfig ${file}: cluster '${cluster.name}' has no valid server URL`);
  }
  const opts: RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (e) {
    throw new KubeconfigError(host, `kubeconfig ${file}: the credentials of context '${current}' cannot be used: ${firstLine(e)}`);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') headers[k.toLowerCase()] = v;
  return {
    contextName: current,
    clusterName: cluster.name,
    server,
    ...(opts.ca !== undefined ? { ca: opts.ca as string | Buffer } : {}),
    ...(opts.cert !== undefined ? { cert: opts.cert as string | Buffer } : {}),
    ...(opts.key !== undefined ? { key: opts.key as string | Buffer } : {}),
    headers,
    rejectUnauthorized: opts.rejectUnauthorized !== false,
  };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}
