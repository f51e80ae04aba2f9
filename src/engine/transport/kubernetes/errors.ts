/**
 * What the Kubernetes API answered when it refused a request: the HTTP
 * status and the Status object's reason, message and causes (the fields of a
 * 422 Invalid, the other field managers of a 409 apply conflict), for the
 * object it concerns. Never a credential: requests carry those in headers,
 * which errors do not repeat.
 */
import { TsplayError } from '../../errors.js';
import type { ObjectRef } from '../kube-api.js';

/** One cause of a Status: `{ reason: 'FieldValueInvalid', field: 'spec.selector', message }` (the cause's type is its `reason`). */
export interface StatusCause {
  readonly reason?: string;
  readonly field?: string;
  readonly message?: string;
}

export class KubeApiError extends TsplayError {
  readonly code = 'E_KUBE_API';
  readonly status: number;
  /** the Status reason: NotFound, Conflict, Invalid, Forbidden, TooManyRequests, ... */
  readonly reason: string;
  readonly causes: readonly StatusCause[];
  readonly object?: string;
  /** the API server's own message */
  readonly serverMessage: string;
  /** `PATCH /apis/apps/v1/... on CLUSTER: 422 Invalid` */
  readonly request: string;
  /** the Status details' kind and name: what was not found (`namespaces`, `demo`) */
  readonly details: { readonly kind?: string; readonly name?: string };

  constructor(o: { cluster: string; method: string; path: string; status: number; reason: string; message: string; causes: readonly StatusCause[]; object?: string; details?: { kind?: string; name?: string } }) {
    const request = `${o.method} ${o.path} on ${o.cluster}: ${o.status} ${o.reason}`;
    super(`${o.object ? `${o.object}: ` : ''}${o.message} (${request})`);
    this.status = o.status;
    this.reason = o.reason;
    this.causes = o.causes;
    this.serverMessage = o.message;
    this.request = request;
    this.details = o.details ?? {};
    if (o.object !== undefined) this.object = o.object;
  }

  /** A 404 because the object's namespace does not exist. */
  missingNamespace(): string | undefined {
    return this.status === 404 && this.details.kind === 'namespaces' ? this.details.name : undefined;
  }

  /** The field managers a 409 apply conflict names, with their fields: `{ kubectl: ['.spec.replicas'] }`. */
  conflicts(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const c of this.causes) {
      if (c.reason !== 'FieldManagerConflict') continue;
      const m = /conflict with "([^"]+)"/.exec(c.message ?? '');
      const manager = m?.[1] ?? '?';
      (out[manager] ??= []).push(c.field ?? '?');
    }
    return out;
  }
}

/** `Deployment kube-system/coredns` */
export function describeRef(ref: Pick<ObjectRef, 'kind' | 'name' | 'namespace'>): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
