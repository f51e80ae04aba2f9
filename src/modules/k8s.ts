/**
 * k8s: Kubernetes objects present (server-side apply, field manager `tsplay`)
 * or absent, on a cluster host (`tsplay_connection: kubernetes`).
 *
 * check asks the API server: for each object a dry run of the apply
 * (`dryRun=All`), compared with the live object, so "changed" is what the
 * real apply would change, never a client-side guess; nothing is written, and
 * a rerun sends no write. apply sends the applies in order (namespaces, then
 * CRDs, each CRD waited for until Established, then the rest), waits when
 * asked, and prunes objects with the task's labels that are no longer
 * declared. See docs/kubernetes.md.
 */
import { defineModule, Type, type Diff, type KubeClient, type KubeReader, type ObjectRef, type Plan } from '../engine/module.js';
import { planApply, type ObjectPlan } from './support/kube/apply-plan.js';
import { shown } from './support/kube/compare.js';
import { asTaskFailure } from './support/kube/failures.js';
import { readManifests, type Manifest } from './support/kube/manifests.js';
import { waitUntilGone, waitUntilReady, type WaitOptions } from './support/kube/wait.js';
import { mutuallyExclusive, requiredOneOf } from './support/schema.js';

const params = Type.Object(
  {
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'present: applied (server-side apply); absent: deleted.' }),
    definition: Type.Optional(Type.Unknown({ description: 'The objects inline: one mapping, a list of them, or YAML text with several documents.' })),
    src: Type.Optional(Type.String({ minLength: 1, description: "A manifest on the controller: a file (several documents allowed) or a directory of .yaml/.yml/.json files (in name order); found like copy's src." })),
    template: Type.Optional(Type.String({ minLength: 1, description: 'A Handlebars template of manifests, rendered with the host\'s variables, then read as YAML.' })),
    namespace: Type.Optional(Type.String({ minLength: 1, description: 'The namespace of namespaced objects that name none (default `default`).' })),
    field_manager: Type.String({ default: 'tsplay', minLength: 1, maxLength: 128, description: 'The field manager of the applies.' }),
    force_conflicts: Type.Boolean({ default: false, description: 'Take over fields another field manager owns; otherwise such a conflict fails the task, naming the manager and the fields.' }),
    apply_labels: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Labels added to every object; `prune` finds the objects it owns by them.' })),
    prune: Type.Boolean({ default: false, description: 'Delete objects of the declared kinds that carry apply_labels but are no longer declared.' }),
    wait: Type.Boolean({ default: false, description: 'Wait until each object is ready: rolled out (Deployment, DaemonSet, StatefulSet), Established (CRD), Ready (Pod, Node), Bound (PVC), or wait_condition; for absent, until it is gone.' }),
    wait_condition: Type.Optional(
      Type.Object(
        {
          type: Type.String({ minLength: 1, description: 'A condition type: Available, Ready, Established, ...' }),
          status: Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')], { default: 'True' }),
          reason: Type.Optional(Type.String()),
        },
        { additionalProperties: false, description: 'The condition to wait for instead of the kind\'s own meaning of ready.' },
      ),
    ),
    wait_timeout: Type.Integer({ minimum: 1, default: 120, description: 'Seconds to wait before the task fails with the last status seen.' }),
    wait_sleep: Type.Number({ exclusiveMinimum: 0, default: 2, description: 'Seconds between two looks at the objects while waiting.' }),
  },
  {
    additionalProperties: false,
    allOf: [requiredOneOf('definition', 'src', 'template'), mutuallyExclusive(['definition', 'src', 'template'])],
    if: { properties: { prune: { const: true } }, required: ['prune'] },
    then: { required: ['apply_labels'] },
  },
);

type Params = typeof params.static;

interface Prune {
  readonly ref: ObjectRef;
  readonly label: string;
}

interface State {
  readonly objects: readonly ObjectPlan[];
  readonly prune: readonly Prune[];
  readonly absent: readonly ObjectRef[];
}

export default defineModule({
  name: 'k8s',
  description: 'Applies Kubernetes objects with server-side apply (check is the server\'s dry run), or deletes them; waits, prunes.',
  params,
  uses: 'kubernetes',
  async check(ctx, p): Promise<Plan<State>> {
    const kube = await ctx.kube();
    const manifests = await readManifests(ctx, p);
    if (p.state === 'absent') return planAbsent(kube, manifests, p);
    const objects = await planApply(kube, manifests, {
      fieldManager: p.field_manager,
      force: p.force_conflicts,
      ...(p.namespace !== undefined ? { namespace: p.namespace } : {}),
      ...(p.apply_labels ? { labels: p.apply_labels } : {}),
      earlierChangesPredicted: ctx.earlierChangesPredicted,
    });
    for (const o of objects) if (o.predicted) ctx.warn(`${o.diff?.label ?? o.ref.name}: predicted as created without a dry run, since ${o.predicted}`);
    const prune = p.prune && p.apply_labels ? await planPrune(kube, objects, p.apply_labels) : [];
    const changing = objects.filter((o) => o.action !== 'unchanged');
    const result = {
      results: objects.map((o) => ({ kind: o.ref.kind, name: o.ref.name, ...(o.ref.namespace ? { namespace: o.ref.namespace } : {}), action: o.action })),
      ...(objects.length === 1 && objects[0]?.seen ? { result: shown(objects[0].seen) } : {}),
      ...(prune.length ? { pruned: prune.map((x) => x.label) } : {}),
    };
    if (!changing.length && !prune.length) return { changed: false, summary: `${objects.length} object${objects.length === 1 ? '' : 's'} as declared`, result };
    const diff: Diff[] = [...changing.flatMap((o) => (o.diff ? [o.diff] : [])), ...prune.map((x) => ({ label: x.label, before: { deleted: false }, after: { deleted: true } }))];
    return {
      changed: true,
      summary: [...changing.map((o) => `${o.action} ${o.diff?.label ?? o.ref.name}`), ...prune.map((x) => `prune ${x.label}`)].join(', '),
      diff,
      result,
      state: { objects, prune, absent: [] },
    };
  },
  async apply(ctx, plan, p) {
    const kube = await ctx.kube();
    const wait: WaitOptions = { timeoutSec: p.wait_timeout, sleepSec: p.wait_sleep, ...(p.wait_condition ? { condition: p.wait_condition } : {}) };
    if (plan.state.absent.length) return { result: await deleteAll(kube, plan.state.absent, p.wait ? wait : undefined) };
    const results: Record<string, unknown>[] = [];
    let changed = false;
    for (const o of plan.state.objects) {
      if (o.action === 'unchanged') {
        results.push({ kind: o.ref.kind, name: o.ref.name, ...(o.ref.namespace ? { namespace: o.ref.namespace } : {}), action: 'unchanged' });
        continue;
      }
      let applied;
      try {
        applied = await kube.apply(o.object, { fieldManager: p.field_manager, force: p.force_conflicts });
      } catch (e) {
        throw asTaskFailure(e, o.manifest);
      }
      const didChange = o.action === 'create' || applied.metadata.resourceVersion !== o.liveVersion;
      changed ||= didChange;
      // the objects of a CRD can only follow once the API server serves it
      if (o.ref.kind === 'CustomResourceDefinition') await waitUntilReady(kube, o.ref, { ...wait, condition: { type: 'Established' } });
      results.push({ kind: o.ref.kind, name: o.ref.name, ...(o.ref.namespace ? { namespace: o.ref.namespace } : {}), action: didChange ? (o.action === 'create' ? 'created' : 'configured') : 'unchanged' });
    }
    if (p.wait) for (const o of plan.state.objects) await waitUntilReady(kube, o.ref, wait);
    for (const x of plan.state.prune) changed = (await kube.delete(x.ref, { propagationPolicy: 'Background' })) || changed;
    return { changed, result: { results, ...(plan.state.prune.length ? { pruned: plan.state.prune.map((x) => x.label) } : {}) } };
  },
});

async function planAbsent(kube: KubeReader, manifests: readonly Manifest[], p: Params): Promise<Plan<State>> {
  const gone: ObjectRef[] = [];
  // dependents before what they depend on: objects, then CRDs, then namespaces
  for (const m of [...manifests].reverse()) {
    const { apiVersion, kind } = m.object;
    const r = await kube.resource(apiVersion, kind);
    if (!r) continue; // the kind is not served: none of its objects exist
    const ref: ObjectRef = { apiVersion, kind, name: m.object.metadata.name ?? '', ...(r.namespaced ? { namespace: m.object.metadata.namespace ?? p.namespace ?? 'default' } : {}) };
    if (await kube.get(ref)) gone.push(ref);
  }
  const labels = gone.map(refLabel);
  if (!gone.length) return { changed: false, summary: 'already absent', result: { deleted: [] } };
  return {
    changed: true,
    summary: `delete ${labels.join(', ')}`,
    diff: labels.map((label) => ({ label, before: { exists: true }, after: { exists: false } })),
    result: { deleted: labels },
    state: { objects: [], prune: [], absent: gone },
  };
}

async function deleteAll(kube: KubeClient, refs: readonly ObjectRef[], wait: WaitOptions | undefined): Promise<Record<string, unknown>> {
  const deleted: string[] = [];
  for (const ref of refs) if (await kube.delete(ref, { propagationPolicy: 'Background' })) deleted.push(refLabel(ref));
  if (wait) for (const ref of refs) await waitUntilGone(kube, ref, wait);
  return { deleted };
}

/** Objects of the declared kinds, in the declared namespaces, that carry the task's labels but are not declared. */
async function planPrune(kube: KubeReader, objects: readonly ObjectPlan[], labels: Readonly<Record<string, string>>): Promise<Prune[]> {
  const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  const declared = new Set(objects.map((o) => refLabel(o.ref)));
  const scopes = new Map<string, { apiVersion: string; kind: string; namespaces: Set<string | undefined> }>();
  for (const o of objects) {
    const key = `${o.ref.apiVersion}\u0000${o.ref.kind}`;
    const s = scopes.get(key) ?? { apiVersion: o.ref.apiVersion, kind: o.ref.kind, namespaces: new Set() };
    s.namespaces.add(o.ref.namespace);
    scopes.set(key, s);
  }
  const out: Prune[] = [];
  for (const s of scopes.values()) {
    for (const namespace of s.namespaces) {
      for (const found of await kube.list(s.apiVersion, s.kind, { labelSelector: selector, ...(namespace !== undefined ? { namespace } : {}) })) {
        const ref: ObjectRef = { apiVersion: s.apiVersion, kind: s.kind, name: found.metadata.name ?? '', ...(found.metadata.namespace ? { namespace: found.metadata.namespace } : {}) };
        const label = refLabel(ref);
        if (!declared.has(label) && !found.metadata.deletionTimestamp) out.push({ ref, label });
      }
    }
  }
  return out;
}

function refLabel(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
