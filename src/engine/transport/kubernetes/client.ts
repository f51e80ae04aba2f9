/**
 * The Kubernetes REST client behind `ctx.kube()`: one keep-alive HTTPS agent
 * per cluster with the kubeconfig's CA and credentials, JSON in and out,
 * server-side apply (`application/apply-patch+yaml`, `fieldManager`,
 * `force`, `dryRun=All`), discovery, and errors that name the object, the
 * request and the API server's own words.
 *
 * Retries: 429 and 503 are sent again after a backoff (honouring
 * Retry-After), any method, since the server did not act on them; a reset
 * connection only for requests that are safe to repeat (reads, apply, delete).
 * A server that cannot be reached makes the host unreachable.
 */
import { Agent, request as httpsRequest } from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { UnreachableError } from '../../errors.js';
import { backoffMs, retryAfterMs, retryableNetworkError, retryableStatus, sleep as realSleep } from '../http/retry.js';
import type {
  ApplyOptions,
  DeleteOptions,
  EvictionOutcome,
  KubeClient,
  KubeObject,
  KubeResource,
  ListOptions,
  MergePatch,
  ObjectRef,
} from '../kube-api.js';
import { Discovery } from './discovery.js';
import { describeRef, KubeApiError, type StatusCause } from './errors.js';
import type { KubeAccess } from './kubeconfig.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface KubeRequest {
  readonly method: Method;
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly contentType?: string;
  /** statuses returned as they are instead of thrown (404 for "not there") */
  readonly accept?: readonly number[];
  /** the object it concerns, for messages */
  readonly object?: string;
  /** an answer like 429 is the result itself (an eviction a budget refuses): never sent again */
  readonly noRetry?: boolean;
}

export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface KubeClientOptions {
  readonly host: string;
  readonly access: KubeAccess;
  /** a server to use instead of the kubeconfig's (same CA and credentials) */
  readonly server?: URL;
  readonly timeoutMs: number;
  readonly retries: number;
  /** one line per request (method, path, status): never a body, header or credential */
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
  /** for tests */
  readonly sleep?: (ms: number) => Promise<void>;
}

const IDEMPOTENT: ReadonlySet<Method> = new Set(['GET', 'DELETE']);
const RETRY = { baseDelayMs: 500, maxDelayMs: 5000 };

export class KubeRestClient implements KubeClient {
  readonly cluster: string;
  readonly #o: KubeClientOptions;
  readonly #server: URL;
  readonly #agent: Agent;
  readonly #discovery: Discovery;

  constructor(o: KubeClientOptions) {
    this.#o = o;
    this.#server = o.server ?? o.access.server;
    this.cluster = `${o.access.contextName} (${this.#server.origin})`;
    this.#agent = new Agent({
      keepAlive: true,
      maxSockets: 8,
      ...(o.access.ca !== undefined ? { ca: o.access.ca } : {}),
      ...(o.access.cert !== undefined ? { cert: o.access.cert } : {}),
      ...(o.access.key !== undefined ? { key: o.access.key } : {}),
      rejectUnauthorized: o.access.rejectUnauthorized,
      // a kubeconfig fetched from a control plane names the VIP: through another address, the
      // certificate must still be the one for the kubeconfig's server (an IP or a name)
      ...(o.server && o.server.hostname !== o.access.server.hostname
        ? { checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(o.access.server.hostname.replace(/^\[|\]$/g, ''), cert) }
        : {}),
    });
    this.#discovery = new Discovery(async (path) => {
      const r = await this.request({ method: 'GET', path, accept: [404] });
      return r.status === 404 ? null : (r.body as { resources: [] });
    });
  }

  close(): void {
    this.#agent.destroy();
  }

  async version(): Promise<Record<string, string>> {
    return (await this.request({ method: 'GET', path: '/version' })).body as Record<string, string>;
  }

  resource(apiVersion: string, kind: string): Promise<KubeResource | null> {
    return this.#discovery.resource(apiVersion, kind);
  }

  async get(ref: ObjectRef): Promise<KubeObject | null> {
    const r = await this.#resourceOrNull(ref.apiVersion, ref.kind);
    if (!r) return null;
    const res = await this.request({ method: 'GET', path: this.#objectPath(r, ref), accept: [404], object: describeRef(ref) });
    return res.status === 404 ? null : (res.body as KubeObject);
  }

  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<KubeObject[]> {
    const r = await this.#resourceOrNull(apiVersion, kind);
    if (!r) return [];
    const query: Record<string, string> = {};
    if (opts.labelSelector) query.labelSelector = opts.labelSelector;
    if (opts.fieldSelector) query.fieldSelector = opts.fieldSelector;
    const ns = r.namespaced && opts.namespace ? `/namespaces/${encodeURIComponent(opts.namespace)}` : '';
    const res = await this.request({ method: 'GET', path: `${basePath(apiVersion)}${ns}/${r.name}`, query });
    const items = ((res.body as { items?: KubeObject[] }).items ?? []);
    // the items of a list carry no apiVersion and kind of their own
    return items.map((o) => ({ ...o, apiVersion, kind }));
  }

  dryRunApply(obj: KubeObject, opts: ApplyOptions): Promise<KubeObject> {
    return this.#apply(obj, opts, true);
  }

  apply(obj: KubeObject, opts: ApplyOptions): Promise<KubeObject> {
    return this.#apply(obj, opts, false);
  }

  async delete(ref: ObjectRef, opts: DeleteOptions = {}): Promise<boolean> {
    const r = await this.#resource(ref.apiVersion, ref.kind, describeRef(ref));
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', ...opts };
    const res = await this.request({ method: 'DELETE', path: this.#objectPath(r, ref), body, accept: [404], object: describeRef(ref) });
    return res.status !== 404;
  }

  async mergePatch(ref: ObjectRef, patch: MergePatch): Promise<KubeObject> {
    const r = await this.#resource(ref.apiVersion, ref.kind, describeRef(ref));
    const res = await this.request({ method: 'PATCH', path: this.#objectPath(r, ref), body: patch, contentType: 'application/merge-patch+json', object: describeRef(ref) });
    return res.body as KubeObject;
  }

  async evict(pod: { name: string; namespace: string }, opts: DeleteOptions = {}): Promise<EvictionOutcome> {
    const object = describeRef({ kind: 'Pod', ...pod });
    const body = {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: pod.name, namespace: pod.namespace },
      ...(Object.keys(opts).length ? { deleteOptions: opts } : {}),
    };
    const path = `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}/eviction`;
    // 429: a PodDisruptionBudget does not allow it now; that is an answer, not a failure to retry here
    const res = await this.request({ method: 'POST', path, body, accept: [404, 429], object, noRetry: true });
    if (res.status === 429) return { evicted: false, reason: statusOf(res.body).message ?? 'the eviction was refused (429)' };
    return { evicted: true };
  }

  async #apply(obj: KubeObject, opts: ApplyOptions, dryRun: boolean): Promise<KubeObject> {
    const name = obj.metadata.name;
    const object = describeRef({ kind: obj.kind, name: name ?? '?', ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) });
    if (!name) throw new KubeApiError({ cluster: this.cluster, method: 'PATCH', path: '(apply)', status: 422, reason: 'Invalid', message: 'server-side apply needs metadata.name', causes: [], object });
    const r = await this.#resource(obj.apiVersion, obj.kind, object);
    const query: Record<string, string> = { fieldManager: opts.fieldManager, force: String(opts.force ?? false) };
    if (dryRun) query.dryRun = 'All';
    const res = await this.request({
      method: 'PATCH',
      path: this.#objectPath(r, { apiVersion: obj.apiVersion, kind: obj.kind, name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) }),
      query,
      // JSON is YAML: the apply patch is the object as written
      body: obj,
      contentType: 'application/apply-patch+yaml',
      object,
    });
    return res.body as KubeObject;
  }

  async #resourceOrNull(apiVersion: string, kind: string): Promise<KubeResource | null> {
    return this.#discovery.resource(apiVersion, kind);
  }

  async #resource(apiVersion: string, kind: string, object: string): Promise<KubeResource> {
    const r = await this.#discovery.resource(apiVersion, kind);
    if (r) return r;
    throw new KubeApiError({
      cluster: this.cluster,
      method: 'GET',
      path: `${basePath(apiVersion)}`,
      status: 404,
      reason: 'NotFound',
      message: `the server does not serve kind ${kind} in ${apiVersion} (a CustomResourceDefinition not created or not Established yet?)`,
      causes: [],
      object,
    });
  }

  #objectPath(r: KubeResource, ref: ObjectRef): string {
    if (r.namespaced && !ref.namespace) {
      throw new KubeApiError({ cluster: this.cluster, method: 'GET', path: basePath(r.apiVersion), status: 422, reason: 'Invalid', message: `${ref.kind} is namespaced: give metadata.namespace (or the task's namespace)`, causes: [], object: describeRef(ref) });
    }
    const ns = r.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace ?? '')}` : '';
    return `${basePath(r.apiVersion)}${ns}/${r.name}/${encodeURIComponent(ref.name)}`;
  }

  /** One request, with the retries described at the top of the file. */
  async request(req: KubeRequest): Promise<KubeResponse> {
    const sleep = this.#o.sleep ?? realSleep;
    for (let attempt = 0; ; attempt++) {
      let res: KubeResponse;
      try {
        res = await this.#send(req);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const safe = IDEMPOTENT.has(req.method) || req.contentType === 'application/apply-patch+yaml';
        if (!req.noRetry && attempt < this.#o.retries && retryableNetworkError(err.code, err.message, safe)) {
          await sleep(backoffMs({ retries: this.#o.retries, ...RETRY }, attempt, undefined));
          continue;
        }
        throw this.#unreachable(err);
      }
      this.#o.log?.(`kube: ${req.method} ${req.path}${req.query?.dryRun ? ' (dry run)' : ''} → ${res.status}`);
      if (res.status < 400 || req.accept?.includes(res.status)) return res;
      if (!req.noRetry && attempt < this.#o.retries && retryableStatus(res.status)) {
        const after = retryAfterMs(headerText(res.headers['retry-after']));
        await sleep(backoffMs({ retries: this.#o.retries, ...RETRY }, attempt, after));
        continue;
      }
      const st = statusOf(res.body);
      throw new KubeApiError({
        cluster: this.cluster,
        method: req.method,
        path: req.path,
        status: res.status,
        reason: st.reason ?? `HTTP ${res.status}`,
        message: st.message ?? (typeof res.body === 'string' && res.body ? res.body.slice(0, 300) : `HTTP ${res.status}`),
        causes: st.details?.causes ?? [],
        details: { ...(st.details?.kind !== undefined ? { kind: st.details.kind } : {}), ...(st.details?.name !== undefined ? { name: st.details.name } : {}) },
        ...(req.object !== undefined ? { object: req.object } : {}),
      });
    }
  }

  #unreachable(e: NodeJS.ErrnoException): UnreachableError {
    return new UnreachableError(this.#o.host, `Kubernetes API ${this.cluster} cannot be reached: ${networkCause(e)}`, { cause: e });
  }

  #send(req: KubeRequest): Promise<KubeResponse> {
    const url = new URL(req.path, this.#server);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    return new Promise((resolve, reject) => {
      const r = httpsRequest(
        url,
        {
          method: req.method,
          agent: this.#agent,
          timeout: this.#o.timeoutMs,
          headers: {
            ...this.#o.access.headers,
            accept: 'application/json',
            ...(payload ? { 'content-type': req.contentType ?? 'application/json', 'content-length': String(payload.length) } : {}),
          },
          ...(this.#o.signal ? { signal: this.#o.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            if (/json/.test(res.headers['content-type'] ?? '') && text) {
              try {
                body = JSON.parse(text);
              } catch {
                body = text;
              }
            }
            resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
          });
        },
      );
      r.on('timeout', () => r.destroy(Object.assign(new Error(`no answer within ${this.#o.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
      r.on('error', reject);
      r.end(payload);
    });
  }
}

function basePath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

interface Status {
  readonly reason?: string;
  readonly message?: string;
  readonly details?: { readonly causes?: readonly StatusCause[]; readonly kind?: string; readonly name?: string };
}

function statusOf(body: unknown): Status {
  return body && typeof body === 'object' && (body as { kind?: string }).kind === 'Status' ? (body as Status) : {};
}

function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Why a request did not get an answer, in words: refused, DNS, TLS, timeout. */
export function networkCause(e: NodeJS.ErrnoException): string {
  const code = e.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the name does not resolve (${code})`;
  if (code === 'ETIMEDOUT') return e.message || 'timed out';
  if (code === 'ECONNRESET') return 'the connection was reset';
  if (/CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|HOSTNAME/.test(code)) return `its TLS certificate is not trusted with the kubeconfig's CA (${code}: ${e.message})`;
  return `${code ? `${code}: ` : ''}${e.message}`;
}
