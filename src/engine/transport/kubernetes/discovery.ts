/**
 * API discovery: which resource serves a kind, and whether it is namespaced,
 * from the server's APIResourceList of the kind's group and version. Lists
 * are cached per connection; a kind missing from a cached list is looked up
 * once more, so a CRD that has just become Established is found.
 */
import type { KubeResource } from '../kube-api.js';

interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly verbs?: readonly string[];
}

export type FetchList = (path: string) => Promise<{ readonly resources: readonly ApiResource[] } | null>;

/** `/api/v1` for the core group, `/apis/GROUP/VERSION` for the others. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export class Discovery {
  readonly #lists = new Map<string, readonly ApiResource[] | null>();

  constructor(private readonly fetchList: FetchList) {}

  async resource(apiVersion: string, kind: string): Promise<KubeResource | null> {
    const cached = this.#lists.get(apiVersion);
    const hit = cached ? find(cached, apiVersion, kind) : null;
    if (hit) return hit;
    const fresh = (await this.fetchList(groupVersionPath(apiVersion)))?.resources ?? null;
    this.#lists.set(apiVersion, fresh);
    return fresh ? find(fresh, apiVersion, kind) : null;
  }
}

function find(list: readonly ApiResource[], apiVersion: string, kind: string): KubeResource | null {
  // subresources (deployments/status) share the kind: only the resource itself
  const r = list.find((x) => x.kind === kind && !x.name.includes('/'));
  return r ? { apiVersion, kind, name: r.name, namespaced: r.namespaced, verbs: r.verbs ?? [] } : null;
}
