/**
 * Waiting for objects to be ready, as kubectl and kubernetes.core do
 * (shared/k8s-lifecycle-reference.md §4): a condition (`type` with `status`,
 * and optionally `reason`) on `.status.conditions`; or, without one, what
 * "ready" means for the kind: a rollout complete for Deployments, DaemonSets
 * and StatefulSets, Established for CRDs, Ready for Pods and Nodes, Bound for
 * PersistentVolumeClaims, Complete for Jobs, existing for the rest. Polls with
 * reads only; a timeout reports the last status it saw.
 */
import { ModuleFailure, type KubeObject, type KubeReader, type ObjectRef } from '../../../engine/module.js';

export interface WaitCondition {
  readonly type: string;
  /** 'True' (the default), 'False' or 'Unknown' */
  readonly status?: string;
  readonly reason?: string;
}

export interface WaitOptions {
  readonly condition?: WaitCondition;
  readonly timeoutSec: number;
  readonly sleepSec: number;
}

interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

type Status = Readonly<Record<string, unknown>> & { readonly conditions?: readonly Condition[] };

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function conditionsOf(o: KubeObject): readonly Condition[] {
  const conditions = (o.status as Status | undefined)?.conditions;
  return Array.isArray(conditions) ? (conditions as readonly Condition[]) : [];
}

function hasCondition(o: KubeObject, c: WaitCondition): boolean {
  return conditionsOf(o).some((x) => x.type === c.type && x.status === (c.status ?? 'True') && (c.reason === undefined || x.reason === c.reason));
}

/** Is the object ready, by its kind's meaning of ready (or the condition asked for)? */
export function isReady(o: KubeObject, condition?: WaitCondition): boolean {
  if (condition) return hasCondition(o, condition);
  const s = (o.status ?? {}) as Status;
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  const observed = num(s.observedGeneration) >= num(o.metadata.generation);
  switch (o.kind) {
    case 'Deployment': {
      const want = typeof spec.replicas === 'number' ? spec.replicas : 1;
      return observed && num(s.updatedReplicas) === want && num(s.availableReplicas) === want && num(s.replicas) === want;
    }
    case 'DaemonSet': {
      const want = num(s.desiredNumberScheduled);
      return observed && num(s.updatedNumberScheduled) === want && num(s.numberAvailable) === want;
    }
    case 'StatefulSet': {
      const want = typeof spec.replicas === 'number' ? spec.replicas : 1;
      return observed && num(s.readyReplicas) === want && num(s.updatedReplicas) === want;
    }
    case 'CustomResourceDefinition':
      return hasCondition(o, { type: 'Established' });
    case 'Pod':
    case 'Node':
      return hasCondition(o, { type: 'Ready' });
    case 'PersistentVolumeClaim':
      return s.phase === 'Bound';
    case 'Job':
      return hasCondition(o, { type: 'Complete' });
    default:
      return true;
  }
}

/** What "ready" means for the kind, in words, for messages. */
export function readyMeaning(kind: string, condition?: WaitCondition): string {
  if (condition) return `condition ${condition.type}=${condition.status ?? 'True'}${condition.reason ? ` (${condition.reason})` : ''}`;
  const words: Readonly<Record<string, string>> = {
    Deployment: 'rolled out (all replicas updated and available)',
    DaemonSet: 'rolled out (all scheduled pods updated and available)',
    StatefulSet: 'rolled out (all replicas updated and ready)',
    CustomResourceDefinition: 'Established',
    Pod: 'Ready',
    Node: 'Ready',
    PersistentVolumeClaim: 'Bound',
    Job: 'Complete',
  };
  return words[kind] ?? 'present';
}

/** The status in one line, for a timeout message: counts and conditions. */
export function describeStatus(o: KubeObject | null): string {
  if (!o) return 'the object does not exist';
  const s = (o.status ?? {}) as Status;
  const counts = Object.entries(s)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
    .map(([k, v]) => `${k}=${String(v)}`);
  const conds = conditionsOf(o).map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`);
  const parts = [...counts, ...(conds.length ? [`conditions: ${conds.join(', ')}`] : [])];
  return parts.length ? parts.join(', ') : 'no status yet';
}

/** Polls until the object is ready; fails naming what it waited for and the last status seen. */
export async function waitUntilReady(kube: KubeReader, ref: ObjectRef, opts: WaitOptions): Promise<KubeObject> {
  const deadline = Date.now() + opts.timeoutSec * 1000;
  for (;;) {
    const o = await kube.get(ref);
    if (o && isReady(o, opts.condition)) return o;
    if (Date.now() >= deadline) {
      const what = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
      throw new ModuleFailure(`${what} is not ${readyMeaning(ref.kind, opts.condition)} after ${opts.timeoutSec} s; last seen: ${describeStatus(o)}`, {
        ...(o ? { status: o.status ?? {} } : {}),
      });
    }
    await new Promise((r) => setTimeout(r, Math.min(opts.sleepSec * 1000, Math.max(0, deadline - Date.now()))));
  }
}

/** Waits until the object is gone (after a delete). */
export async function waitUntilGone(kube: KubeReader, ref: ObjectRef, opts: Omit<WaitOptions, 'condition'>): Promise<void> {
  const deadline = Date.now() + opts.timeoutSec * 1000;
  while ((await kube.get(ref)) !== null) {
    if (Date.now() >= deadline) throw new ModuleFailure(`${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} still exists after ${opts.timeoutSec} s`);
    await new Promise((r) => setTimeout(r, opts.sleepSec * 1000));
  }
}
