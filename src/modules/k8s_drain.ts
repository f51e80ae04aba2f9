/**
 * k8s_drain: cordons a node and evicts its pods as `kubectl drain` does, or
 * only cordons it, or uncordons it; on a cluster host.
 *
 * Drain: the node is marked unschedulable, then each pod on it is evicted
 * through the eviction API, so PodDisruptionBudgets are respected (an
 * eviction a budget refuses is tried again until the timeout, as kubectl
 * does). Left alone, as kubectl leaves them: mirror pods (static pods the
 * kubelet runs from files) and, with ignore_daemonsets, DaemonSet pods. A pod
 * no controller would recreate, or one with emptyDir data, stops the drain
 * before anything is evicted unless force / delete_emptydir_data say so.
 * A drained node with nothing left to evict is unchanged; check says which
 * pods would be evicted.
 */
import { defineModule, ModuleFailure, Type, type KubeClient, type KubeObject, type KubeReader, type Plan } from '../engine/module.js';

const params = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'The node.' }),
    state: Type.Union([Type.Literal('drain'), Type.Literal('cordon'), Type.Literal('uncordon')], { default: 'drain', description: 'drain: cordon and evict its pods; cordon: only mark it unschedulable; uncordon: schedulable again.' }),
    delete_options: Type.Object(
      {
        ignore_daemonsets: Type.Boolean({ default: true, description: 'Leave DaemonSet pods (their controller would put them back at once); otherwise they stop the drain.' }),
        delete_emptydir_data: Type.Boolean({ default: false, description: 'Evict pods with emptyDir volumes (their data is lost).' }),
        force: Type.Boolean({ default: false, description: 'Evict pods no controller manages (they are not recreated).' }),
        grace_period: Type.Optional(Type.Integer({ minimum: 0, description: 'Seconds each pod gets to stop (default: its own terminationGracePeriodSeconds).' })),
        wait_timeout: Type.Integer({ minimum: 1, default: 300, description: 'Seconds for all evictions to be allowed and the pods to be gone.' }),
        wait_sleep: Type.Number({ exclusiveMinimum: 0, default: 5, description: 'Seconds between two tries of a refused eviction, and between two looks at the pods.' }),
      },
      { additionalProperties: false, default: {}, description: 'As kubectl drain\'s flags (kubernetes.core.k8s_drain\'s delete_options).' },
    ),
  },
  { additionalProperties: false },
);

type Params = typeof params.static;

interface PodRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

interface State {
  readonly cordon?: boolean;
  readonly evict: readonly PodRef[];
}

const NODE = (name: string) => ({ apiVersion: 'v1', kind: 'Node', name });
const podLabel = (p: PodRef): string => `${p.namespace}/${p.name}`;

export default defineModule({
  name: 'k8s_drain',
  description: 'Drains a Kubernetes node as kubectl drain does (cordon, evictions that respect PodDisruptionBudgets), or cordons or uncordons it.',
  params,
  uses: 'kubernetes',
  async check(ctx, p): Promise<Plan<State>> {
    const kube = await ctx.kube();
    const node = await kube.get(NODE(p.name));
    if (!node) throw new ModuleFailure(`node ${p.name} does not exist in ${kube.cluster}`);
    const unschedulable = (node.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true;
    if (p.state === 'uncordon') {
      if (!unschedulable) return { changed: false, summary: `${p.name} is schedulable`, result: { node: p.name, cordoned: false } };
      return { changed: true, summary: `uncordon ${p.name}`, diff: [{ label: `node ${p.name}`, before: { unschedulable: true }, after: { unschedulable: false } }], result: { node: p.name, cordoned: false }, state: { cordon: false, evict: [] } };
    }
    const { evict, skipped } = p.state === 'drain' ? await podsToEvict(kube, p) : { evict: [], skipped: [] };
    const result = { node: p.name, cordoned: true, evicted: evict.map(podLabel), ...(skipped.length ? { left: skipped } : {}) };
    if (unschedulable && !evict.length) return { changed: false, summary: `${p.name} is ${p.state === 'drain' ? 'drained' : 'cordoned'}`, result };
    const what = [...(unschedulable ? [] : [`cordon ${p.name}`]), ...(evict.length ? [`evict ${evict.map(podLabel).join(', ')}`] : [])];
    return {
      changed: true,
      summary: what.join(', then '),
      diff: [{ label: `node ${p.name}`, before: { unschedulable, pods: evict.map(podLabel) }, after: { unschedulable: true, pods: [] } }],
      result,
      state: { ...(unschedulable ? {} : { cordon: true }), evict },
    };
  },
  async apply(ctx, plan, p) {
    const kube = await ctx.kube();
    if (plan.state.cordon !== undefined) await kube.mergePatch(NODE(p.name), { spec: { unschedulable: plan.state.cordon } });
    if (plan.state.evict.length) await evictAll(kube, plan.state.evict, p.delete_options);
  },
});

interface Sorted {
  readonly evict: PodRef[];
  /** left alone, with why: `kube-system/cilium-x (DaemonSet)` */
  readonly skipped: string[];
}

/** The node's pods, sorted as kubectl drain sorts them; fails on a pod it may not evict without a flag. */
async function podsToEvict(kube: KubeReader, p: Params): Promise<Sorted> {
  const pods = await kube.list('v1', 'Pod', { fieldSelector: `spec.nodeName=${p.name}` });
  const o = p.delete_options;
  const evict: PodRef[] = [];
  const skipped: string[] = [];
  const refused: string[] = [];
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue; // already going
    const ref = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
    const label = podLabel(ref);
    if (pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) {
      skipped.push(`${label} (mirror pod)`);
      continue;
    }
    const owner = controllerOf(pod);
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (owner === 'DaemonSet') {
      if (o.ignore_daemonsets) skipped.push(`${label} (DaemonSet)`);
      else refused.push(`${label} is managed by a DaemonSet (set delete_options.ignore_daemonsets)`);
      continue;
    }
    if (!owner && !o.force && phase !== 'Succeeded' && phase !== 'Failed') {
      refused.push(`${label} is not managed by a controller, so nothing recreates it (set delete_options.force)`);
      continue;
    }
    if (usesEmptyDir(pod) && !o.delete_emptydir_data && phase !== 'Succeeded' && phase !== 'Failed') {
      refused.push(`${label} has emptyDir data, which eviction deletes (set delete_options.delete_emptydir_data)`);
      continue;
    }
    evict.push(ref);
  }
  if (refused.length) throw new ModuleFailure(`cannot drain ${p.name}: ${refused.join('; ')}; nothing was changed`, { node: p.name, refused });
  return { evict, skipped };
}

function controllerOf(pod: KubeObject): string | undefined {
  const refs = (pod.metadata.ownerReferences ?? []) as { kind?: string; controller?: boolean }[];
  return refs.find((r) => r.controller === true)?.kind;
}

function usesEmptyDir(pod: KubeObject): boolean {
  const volumes = ((pod.spec as { volumes?: { emptyDir?: unknown }[] } | undefined)?.volumes ?? []);
  return volumes.some((v) => v.emptyDir !== undefined);
}

/** Evicts every pod, retrying the ones a budget refuses, then waits until they are gone (or replaced: another uid). */
async function evictAll(kube: KubeClient, pods: readonly PodRef[], o: Params['delete_options']): Promise<void> {
  const deadline = Date.now() + o.wait_timeout * 1000;
  const sleep = (): Promise<void> => new Promise((r) => setTimeout(r, Math.min(o.wait_sleep * 1000, Math.max(0, deadline - Date.now()))));
  let pending = [...pods];
  let lastRefusal = '';
  while (pending.length) {
    const still: PodRef[] = [];
    for (const pod of pending) {
      const out = await kube.evict(pod, o.grace_period !== undefined ? { gracePeriodSeconds: o.grace_period } : {});
      if (!out.evicted) {
        still.push(pod);
        lastRefusal = `${podLabel(pod)}: ${out.reason}`;
      }
    }
    pending = still;
    if (!pending.length) break;
    if (Date.now() >= deadline) {
      throw new ModuleFailure(`evictions still refused after ${o.wait_timeout} s (a PodDisruptionBudget?): ${lastRefusal}; the node stays cordoned`, { refused: pending.map(podLabel) });
    }
    await sleep();
  }
  for (;;) {
    const left: PodRef[] = [];
    for (const pod of pods) {
      const now = await kube.get({ apiVersion: 'v1', kind: 'Pod', name: pod.name, namespace: pod.namespace });
      if (now && now.metadata.uid === pod.uid) left.push(pod);
    }
    if (!left.length) return;
    if (Date.now() >= deadline) throw new ModuleFailure(`pods evicted from the node are still there after ${o.wait_timeout} s: ${left.map(podLabel).join(', ')}`, { left: left.map(podLabel) });
    await sleep();
  }
}
