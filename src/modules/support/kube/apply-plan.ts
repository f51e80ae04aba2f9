/**
 * The plan of a k8s task (state: present): for each declared object, what a
 * server-side apply would do to it, found by asking the server (a dry run),
 * never guessed on the client. An object whose kind or namespace this same
 * task creates cannot be dry-run before they exist: it is predicted as
 * created, and said so.
 */
import { KubeApiError, ModuleFailure, type ApplyOptions, type Diff, type KubeObject, type KubeReader, type ObjectRef } from '../../../engine/module.js';
import { applyChanges, shown } from './compare.js';
import { asTaskFailure } from './failures.js';
import { describeManifest, type Manifest } from './manifests.js';

export type ObjectAction = 'create' | 'configure' | 'unchanged';

export interface ObjectPlan {
  readonly manifest: Manifest;
  /** the object as it will be applied (namespace filled in, task labels added) */
  readonly object: KubeObject;
  readonly ref: ObjectRef;
  readonly action: ObjectAction;
  /** resourceVersion before, to tell whether the real apply changed it */
  readonly liveVersion?: string;
  /** predicted without a dry run: its CRD or namespace comes with this task */
  readonly predicted?: string;
  readonly diff?: Diff;
  /** what the server says the object is (dry run) or will be */
  readonly seen?: KubeObject;
}

export interface PlanOptions extends ApplyOptions {
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** under --check, an earlier task predicted a change: a namespace or CRD it would create may be missing yet */
  readonly earlierChangesPredicted?: boolean;
}

/** `group/version` and kind of each CRD the task declares, with its scope. */
function declaredKinds(manifests: readonly Manifest[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const m of manifests) {
    const o = m.object;
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = (o.spec ?? {}) as { group?: string; scope?: string; names?: { kind?: string }; versions?: { name?: string }[] };
    for (const v of spec.versions ?? []) out.set(`${spec.group}/${v.name}\u0000${spec.names?.kind}`, spec.scope !== 'Cluster');
  }
  return out;
}

function withLabels(o: KubeObject, labels: Readonly<Record<string, string>> | undefined, namespace: string | undefined): KubeObject {
  const meta = { ...o.metadata, ...(labels ? { labels: { ...o.metadata.labels, ...labels } } : {}) };
  if (namespace === undefined) delete (meta as { namespace?: string }).namespace;
  else meta.namespace = namespace;
  return { ...o, metadata: meta };
}

export async function planApply(kube: KubeReader, manifests: readonly Manifest[], o: PlanOptions): Promise<ObjectPlan[]> {
  const newKinds = declaredKinds(manifests);
  const newNamespaces = new Set<string>();
  const plans: ObjectPlan[] = [];
  for (const m of manifests) {
    const { apiVersion, kind } = m.object;
    const name = m.object.metadata.name ?? '';
    const r = await kube.resource(apiVersion, kind);
    const namespaced = r ? r.namespaced : (newKinds.get(`${apiVersion}\u0000${kind}`) ?? (o.earlierChangesPredicted ? true : undefined));
    if (namespaced === undefined) {
      throw new ModuleFailure(`${describeManifest(m)}: the API server ${kube.cluster} does not serve kind ${kind} in ${apiVersion}; create its CustomResourceDefinition first (in this task or an earlier one)`);
    }
    const ns = namespaced ? (m.object.metadata.namespace ?? o.namespace ?? 'default') : undefined;
    const object = withLabels(m.object, o.labels, ns);
    const ref: ObjectRef = { apiVersion, kind, name, ...(ns !== undefined ? { namespace: ns } : {}) };
    const label = `${kind} ${ns !== undefined ? `${ns}/` : ''}${name}`;
    const waitsFor = !r
      ? newKinds.has(`${apiVersion}\u0000${kind}`)
        ? 'its CustomResourceDefinition is created by this task'
        : 'its kind is not served yet and an earlier task was only predicted (its CustomResourceDefinition?)'
      : ns !== undefined && newNamespaces.has(ns)
        ? `its namespace ${ns} is created by this task`
        : undefined;
    if (waitsFor) {
      plans.push({ manifest: m, object, ref, action: 'create', predicted: waitsFor, diff: { label, after: shown(object) } });
      continue;
    }
    const live = await kube.get(ref);
    let dry: KubeObject;
    try {
      dry = await kube.dryRunApply(object, o);
    } catch (e) {
      // under --check, the namespace may be one an earlier, only predicted task creates
      if (o.earlierChangesPredicted && e instanceof KubeApiError && e.missingNamespace() === ns) {
        plans.push({ manifest: m, object, ref, action: 'create', predicted: `its namespace ${ns} does not exist yet and an earlier task was only predicted`, diff: { label, after: shown(object) } });
        continue;
      }
      throw asTaskFailure(e, m);
    }
    if (kind === 'Namespace' && !live) newNamespaces.add(name);
    if (!live) {
      plans.push({ manifest: m, object, ref, action: 'create', diff: { label, after: shown(dry) }, seen: dry });
    } else if (applyChanges(live, dry)) {
      plans.push({ manifest: m, object, ref, action: 'configure', ...(live.metadata.resourceVersion ? { liveVersion: live.metadata.resourceVersion } : {}), diff: { label, before: shown(live), after: shown(dry) }, seen: dry });
    } else {
      plans.push({ manifest: m, object, ref, action: 'unchanged', seen: live });
    }
  }
  return plans;
}
