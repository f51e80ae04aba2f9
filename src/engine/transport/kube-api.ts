/**
 * The typed Kubernetes API a host reached over `tsplay_connection: kubernetes`
 * offers to modules (through `ctx.kube()`). The connection owns the
 * kubeconfig (TLS verified with its CA, client certificates, tokens), API
 * discovery and error mapping; modules say what to read or apply.
 *
 * Check gets a KubeReader: reads, and server-side dry runs (`dryRun=All`,
 * which the API server validates and admits but never stores). Apply gets a
 * KubeClient, which also writes.
 */

/** Any Kubernetes object, as the API serves it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: KubeMetadata;
  readonly [field: string]: unknown;
}

export interface KubeMetadata {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly ownerReferences?: readonly Readonly<Record<string, unknown>>[];
  readonly managedFields?: readonly ManagedFieldsEntry[];
  readonly [field: string]: unknown;
}

export interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: 'Apply' | 'Update';
  readonly apiVersion?: string;
  readonly time?: string;
  readonly subresource?: string;
  readonly fieldsType?: string;
  readonly fieldsV1?: unknown;
}

/** Which object: kind and apiVersion, name, and the namespace of a namespaced kind. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** How the API server serves a kind (from discovery). */
export interface KubeResource {
  readonly apiVersion: string;
  readonly kind: string;
  /** the plural resource name in URLs: `deployments` */
  readonly name: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
}

export interface ListOptions {
  /** a namespaced kind: only this namespace (all namespaces when absent) */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export interface ApplyOptions {
  /** the field manager the object's fields are applied as (`tsplay`) */
  readonly fieldManager: string;
  /** take fields other managers own instead of failing with a conflict */
  readonly force?: boolean;
}

export interface DeleteOptions {
  readonly propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  readonly gracePeriodSeconds?: number;
}

/** A JSON merge patch (`application/merge-patch+json`), e.g. `{ spec: { unschedulable: true } }`. */
export type MergePatch = Readonly<Record<string, unknown>>;

/** What an eviction came to: done, or refused (a PodDisruptionBudget, 429) with the server's reason. */
export type EvictionOutcome = { readonly evicted: true } | { readonly evicted: false; readonly reason: string };

export interface KubeReader {
  /** the cluster, for messages: `context (https://10.1.1.5:6443)` */
  readonly cluster: string;
  /** How the server serves a kind; null when it does not (a CRD not created or not Established yet). */
  resource(apiVersion: string, kind: string): Promise<KubeResource | null>;
  /** The object, or null when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | null>;
  list(apiVersion: string, kind: string, opts?: ListOptions): Promise<KubeObject[]>;
  /**
   * Server-side apply with `dryRun=All`: the object as the real apply would leave it
   * (validated, defaulted, admitted), stored nowhere.
   */
  dryRunApply(obj: KubeObject, opts: ApplyOptions): Promise<KubeObject>;
  /** The server's version (`/version`): `{ gitVersion: 'v1.34.2', ... }`. */
  version(): Promise<Readonly<Record<string, string>>>;
}

export interface KubeClient extends KubeReader {
  /** Server-side apply (`application/apply-patch+yaml`); the object as stored. */
  apply(obj: KubeObject, opts: ApplyOptions): Promise<KubeObject>;
  /** Deletes the object; false when it was already gone. */
  delete(ref: ObjectRef, opts?: DeleteOptions): Promise<boolean>;
  /** A JSON merge patch (cordon: `{ spec: { unschedulable: true } }`). */
  mergePatch(ref: ObjectRef, patch: MergePatch): Promise<KubeObject>;
  /** Evicts a pod through the eviction API (which respects PodDisruptionBudgets). */
  evict(pod: { readonly name: string; readonly namespace: string }, opts?: DeleteOptions): Promise<EvictionOutcome>;
}
