/**
 * k8s_drain against the test API server: its eviction API respects
 * PodDisruptionBudgets from their status, which the tests write here as the
 * disruption controller would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKubeConnection } from '../../src/engine/transport/kubernetes/factory.js';
import type { Connection } from '../../src/engine/transport/transport.js';
import k8s from '../../src/modules/k8s.js';
import k8sDrain from '../../src/modules/k8s_drain.js';
import { runModuleOn } from '../helpers/engine-semantics.js';
import { kubeApiserverAvailable, startKubeApiserver, type KubeApiserver } from '../lab/kube-apiserver.js';

const ready = await kubeApiserverAvailable();

let nodeCount = 0;

describe.skipIf(!ready)('k8s_drain against the test API server', () => {
  let api: KubeApiserver;
  let conn: Connection;
  beforeAll(async () => {
    api = await startKubeApiserver();
    conn = await openKubeConnection({ host: 'cluster', connection: 'kubernetes', address: 'cluster', vars: { tsplay_kubeconfig: api.kubeconfigPath } });
  });
  afterAll(async () => {
    await conn?.close();
    await api?.close();
  });

  const owner = (kind: string, name: string) => [{ apiVersion: 'apps/v1', kind, name, uid: `uid-${kind}-${name}`, controller: true }];
  const pod = (ns: string, node: string, name: string, extra: { owner?: string; labels?: Record<string, string>; mirror?: boolean; emptyDir?: boolean } = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      ...(extra.labels ? { labels: extra.labels } : {}),
      ...(extra.owner ? { ownerReferences: owner(extra.owner, `${name}-owner`) } : {}),
      ...(extra.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'abc' } } : {}),
    },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }], ...(extra.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}) },
  });
  /** a node and a namespace of their own, with pods on the node */
  const setUp = async (pods: (ns: string, node: string) => object[]): Promise<{ node: string; ns: string }> => {
    const n = ++nodeCount;
    const node = `node-${n}`;
    const ns = `drain${n}`;
    const r = await runModuleOn(conn, k8s, { definition: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { apiVersion: 'v1', kind: 'Node', metadata: { name: node } }, ...pods(ns, node)] });
    expect(r.changed).toBe(true);
    return { node, ns };
  };
  const unschedulable = async (node: string): Promise<boolean> => {
    const r = await api.kubectl(['get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}']);
    return r.stdout.trim() === 'true';
  };
  const podNames = async (ns: string): Promise<string[]> => (await api.kubectl(['get', 'pods', '-n', ns, '-o', 'name'])).stdout.trim().split('\n').filter(Boolean).sort();

  it('a pod nothing would recreate stops the drain before anything changes; force drains it; DaemonSet and mirror pods are left', async () => {
    const { node, ns } = await setUp((ns, node) => [pod(ns, node, 'app', { owner: 'ReplicaSet' }), pod(ns, node, 'agent', { owner: 'DaemonSet' }), pod(ns, node, 'static', { mirror: true }), pod(ns, node, 'bare')]);
    const before = (await api.writeCount()).writes;
    const e = (await runModuleOn(conn, k8sDrain, { name: node }, { check: true }).catch((x: unknown) => x)) as Error;
    expect(e.message).toBe(`cannot drain ${node}: ${ns}/bare is not managed by a controller, so nothing recreates it (set delete_options.force); nothing was changed`);
    expect((await runModuleOn(conn, k8sDrain, { name: node }).catch((x: unknown) => x)) as Error).toBeInstanceOf(Error);
    expect(await unschedulable(node)).toBe(false);
    expect((await api.writeCount()).writes).toBe(before);

    const params = { name: node, delete_options: { force: true, grace_period: 0, wait_sleep: 0.2, wait_timeout: 20 } };
    const check = await runModuleOn(conn, k8sDrain, params, { check: true });
    expect(check.changed).toBe(true);
    expect(check.result).toMatchObject({ evicted: [`${ns}/app`, `${ns}/bare`], left: [`${ns}/agent (DaemonSet)`, `${ns}/static (mirror pod)`] });
    expect((await api.writeCount()).writes).toBe(before);

    const run = await runModuleOn(conn, k8sDrain, params);
    expect(run.changed).toBe(true);
    expect(await unschedulable(node)).toBe(true);
    expect(await podNames(ns)).toEqual(['pod/agent', 'pod/static']);
    const writes = (await api.writeCount()).writes;
    expect((await runModuleOn(conn, k8sDrain, params)).changed).toBe(false);
    expect((await api.writeCount()).writes).toBe(writes);
  });

  it('respects a PodDisruptionBudget: a refused eviction is retried until the timeout, and goes through once the budget allows it', async () => {
    const { node, ns } = await setUp((ns, node) => [
      pod(ns, node, 'db-0', { owner: 'StatefulSet', labels: { app: 'db' } }),
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: ns }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } } },
    ]);
    const budget = async (allowed: number): Promise<void> => {
      const status = { status: { disruptionsAllowed: allowed, currentHealthy: 1, desiredHealthy: 1 - allowed, expectedPods: 1, observedGeneration: 1 } };
      const r = await api.request('PATCH', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/db/status`, status, { contentType: 'application/merge-patch+json' });
      expect(r.status, r.body).toBe(200);
    };
    // what a kubelet would report: the pod runs and is Ready (a Pending pod is evicted whatever the budget says)
    const running = { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
    const r = await api.request('PATCH', `/api/v1/namespaces/${ns}/pods/db-0/status`, running, { contentType: 'application/merge-patch+json' });
    expect(r.status, r.body).toBe(200);
    await budget(0);
    const params = { name: node, delete_options: { grace_period: 0, wait_sleep: 0.2, wait_timeout: 2 } };
    const e = (await runModuleOn(conn, k8sDrain, params).catch((x: unknown) => x)) as Error;
    expect(e.message).toMatch(new RegExp(`^evictions still refused after 2 s \\(a PodDisruptionBudget\\?\\): ${ns}/db-0: .*disruption budget.*; the node stays cordoned$`, 'i'));
    expect(await unschedulable(node)).toBe(true);
    expect(await podNames(ns)).toEqual(['pod/db-0']);

    await budget(1);
    const run = await runModuleOn(conn, k8sDrain, { ...params, delete_options: { ...params.delete_options, wait_timeout: 10 } });
    expect(run.changed).toBe(true);
    expect(await podNames(ns)).toEqual([]);
  });

  it('emptyDir data stops the drain unless delete_emptydir_data', async () => {
    const { node, ns } = await setUp((ns, node) => [pod(ns, node, 'cache', { owner: 'ReplicaSet', emptyDir: true })]);
    const e = (await runModuleOn(conn, k8sDrain, { name: node }).catch((x: unknown) => x)) as Error;
    expect(e.message).toContain(`${ns}/cache has emptyDir data, which eviction deletes (set delete_options.delete_emptydir_data)`);
    const run = await runModuleOn(conn, k8sDrain, { name: node, delete_options: { delete_emptydir_data: true, grace_period: 0, wait_sleep: 0.2 } });
    expect(run.changed).toBe(true);
    expect(await podNames(ns)).toEqual([]);
  });

  it('cordon and uncordon: each changes the node once', async () => {
    const { node } = await setUp(() => []);
    expect((await runModuleOn(conn, k8sDrain, { name: node, state: 'cordon' }, { check: true })).changed).toBe(true);
    expect(await unschedulable(node)).toBe(false);
    expect((await runModuleOn(conn, k8sDrain, { name: node, state: 'cordon' })).changed).toBe(true);
    expect(await unschedulable(node)).toBe(true);
    expect((await runModuleOn(conn, k8sDrain, { name: node, state: 'cordon' })).changed).toBe(false);
    const un = await runModuleOn(conn, k8sDrain, { name: node, state: 'uncordon' }, { diff: true });
    expect(un.changed).toBe(true);
    expect(un.plan.diff).toEqual([{ label: `node ${node}`, before: { unschedulable: true }, after: { unschedulable: false } }]);
    expect(await unschedulable(node)).toBe(false);
    expect((await runModuleOn(conn, k8sDrain, { name: node, state: 'uncordon' })).changed).toBe(false);
  });

  it('a node that does not exist is a clear failure', async () => {
    await expect(runModuleOn(conn, k8sDrain, { name: 'no-such-node' })).rejects.toThrow(/^node no-such-node does not exist in tsplay \(https:\/\/127\.0\.0\.1:\d+\)$/);
  });
});
