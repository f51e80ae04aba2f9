/**
 * k8s and k8s_info against the test Kubernetes API server (real server-side
 * apply, dry run, field managers and conflicts), with its write counter as
 * the proof that a rerun and --check send no write.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/engine/transport/transport.js';
import { openKubeConnection } from '../../src/engine/transport/kubernetes/factory.js';
import k8s from '../../src/modules/k8s.js';
import k8sInfo from '../../src/modules/k8s_info.js';
import { runModuleOn } from '../helpers/engine-semantics.js';
import { kubeApiserverAvailable, startKubeApiserver, type KubeApiserver } from '../lab/kube-apiserver.js';

const ready = await kubeApiserverAvailable();

// each test works in a namespace of its own, so any one of them runs alone
let nsCount = 0;
const newNamespace = (): string => `apps${++nsCount}`;
const namespaceOf = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const deployment = (ns: string, replicas: number, name = 'web') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } },
  },
});
const configMap = (ns: string, value: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: ns }, data: { mode: value } });

const POOL_CRDS = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ipaddresspools.metallb.io}
spec:
  group: metallb.io
  names: {kind: IPAddressPool, plural: ipaddresspools, singular: ipaddresspool, listKind: IPAddressPoolList}
  scope: Namespaced
  versions:
  - name: v1beta1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              addresses: {type: array, items: {type: string}}
              autoAssign: {type: boolean}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: l2advertisements.metallb.io}
spec:
  group: metallb.io
  names: {kind: L2Advertisement, plural: l2advertisements, singular: l2advertisement, listKind: L2AdvertisementList}
  scope: Namespaced
  versions:
  - name: v1beta1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              ipAddressPools: {type: array, items: {type: string}}
---
apiVersion: v1
kind: Namespace
metadata: {name: metallb-system}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: pool, namespace: metallb-system}
spec: {addresses: ["10.1.1.200-10.1.1.220"]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: l2, namespace: metallb-system}
spec: {ipAddressPools: [pool]}
`;

describe.skipIf(!ready)('k8s against the test API server', () => {
  let api: KubeApiserver;
  let conn: Connection;
  let dir: string;
  beforeAll(async () => {
    api = await startKubeApiserver();
    dir = mkdtempSync(join(tmpdir(), 'tsplay-k8s-'));
    conn = await openKubeConnection({ host: 'cluster', connection: 'kubernetes', address: 'cluster', vars: { tsplay_kubeconfig: api.kubeconfigPath } });
  });
  afterAll(async () => {
    await conn?.close();
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const writes = async (): Promise<number> => (await api.writeCount()).writes;

  it('check on a fresh cluster predicts the run and writes nothing; the run applies; a rerun changes nothing and sends no write', async () => {
    const ns = newNamespace();
    const params = { definition: [deployment(ns, 2), namespaceOf(ns), configMap(ns, 'a')] };
    const before = await writes();
    const check = await runModuleOn(conn, k8s, params, { check: true });
    expect(check.changed).toBe(true);
    expect(await writes()).toBe(before);
    // namespaces first, whatever the order written
    expect(check.result.results).toEqual([
      { kind: 'Namespace', name: ns, action: 'create' },
      { kind: 'Deployment', name: 'web', namespace: ns, action: 'create' },
      { kind: 'ConfigMap', name: 'settings', namespace: ns, action: 'create' },
    ]);

    const run = await runModuleOn(conn, k8s, params);
    expect(run.changed).toBe(true);
    expect(await writes()).toBe(before + 3);
    expect(run.result.results).toEqual(expect.arrayContaining([{ kind: 'Deployment', name: 'web', namespace: ns, action: 'created' }]));
    const live = JSON.parse((await api.kubectl(['get', 'deployment', 'web', '-n', ns, '-o', 'json', '--show-managed-fields'])).stdout) as { spec: { replicas: number }; metadata: { managedFields: { manager: string; operation: string }[] } };
    expect(live.spec.replicas).toBe(2);
    expect(live.metadata.managedFields).toEqual(expect.arrayContaining([expect.objectContaining({ manager: 'tsplay', operation: 'Apply' })]));

    const revision = await api.etcdRevision();
    const again = await runModuleOn(conn, k8s, params);
    expect(again.changed).toBe(false);
    expect(await writes()).toBe(before + 3);
    expect(await api.etcdRevision()).toBe(revision);
    expect((await runModuleOn(conn, k8s, params, { check: true })).changed).toBe(false);
  });

  it('a changed field: check and diff show just that field, the run changes it, the rerun does not', async () => {
    const ns = newNamespace();
    await runModuleOn(conn, k8s, { definition: [namespaceOf(ns), deployment(ns, 2), configMap(ns, 'a')] });
    const params = { definition: [namespaceOf(ns), deployment(ns, 3), configMap(ns, 'a')] };
    const before = await writes();
    const check = await runModuleOn(conn, k8s, params, { check: true, diff: true });
    expect(check.changed).toBe(true);
    expect(check.result.results).toEqual([
      { kind: 'Namespace', name: ns, action: 'unchanged' },
      { kind: 'Deployment', name: 'web', namespace: ns, action: 'configure' },
      { kind: 'ConfigMap', name: 'settings', namespace: ns, action: 'unchanged' },
    ]);
    const diff = check.plan.diff ?? [];
    expect(diff).toHaveLength(1);
    expect(diff[0]?.label).toBe(`Deployment ${ns}/web`);
    expect(diff[0]?.before).toMatchObject({ spec: { replicas: 2 } });
    expect(diff[0]?.after).toMatchObject({ spec: { replicas: 3 } });
    for (const side of [diff[0]?.before, diff[0]?.after]) {
      const meta = (side as { metadata: Record<string, unknown> }).metadata;
      expect(meta).not.toHaveProperty('managedFields');
      expect(meta).not.toHaveProperty('resourceVersion');
      expect(side).not.toHaveProperty('status');
    }
    expect(await writes()).toBe(before);
    expect((await runModuleOn(conn, k8s, params)).changed).toBe(true);
    expect(await writes()).toBe(before + 1);
    expect((await runModuleOn(conn, k8s, params)).changed).toBe(false);
    expect(await writes()).toBe(before + 1);
  });

  it('a field another manager owns is a conflict naming it and the field; force_conflicts takes it over', async () => {
    const ns = newNamespace();
    await runModuleOn(conn, k8s, { definition: [namespaceOf(ns), deployment(ns, 3)] });
    const r = await api.kubectl(['apply', '--server-side', '--field-manager', 'kubectl', '-f', '-'], { input: JSON.stringify(deployment(ns, 5)) });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('conflict with "tsplay"');
    expect((await api.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager', 'kubectl', '-f', '-'], { input: JSON.stringify(deployment(ns, 5)) })).exitCode).toBe(0);
    const params = { definition: deployment(ns, 3) };
    const before = await writes();
    const e = (await runModuleOn(conn, k8s, params).catch((x: unknown) => x)) as Error & { result?: Record<string, unknown> };
    expect(e.message).toBe(`Deployment ${ns}/web: apply conflict: field manager "kubectl" owns .spec.replicas; set force_conflicts: true to take them over`);
    expect(await writes()).toBe(before);
    expect(e.result?.conflicts).toEqual({ kubectl: ['.spec.replicas'] });
    const forced = await runModuleOn(conn, k8s, { ...params, force_conflicts: true });
    expect(forced.changed).toBe(true);
    const live = JSON.parse((await api.kubectl(['get', 'deployment', 'web', '-n', ns, '-o', 'json'])).stdout) as { spec: { replicas: number } };
    expect(live.spec.replicas).toBe(3);
  });

  it('an object the server refuses as invalid (422) names the object and the manifest file and line', async () => {
    const ns = newNamespace();
    await runModuleOn(conn, k8s, { definition: namespaceOf(ns) });
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine, namespace: ${ns}}\ndata: {a: b}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken, namespace: ${ns}}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: one}}\n  template:\n    metadata: {labels: {app: other}}\n    spec: {containers: [{name: c, image: busybox}]}\n`,
    );
    const before = await writes();
    const e = (await runModuleOn(conn, k8s, { src: file }, { check: true }).catch((x: unknown) => x)) as Error & { result?: Record<string, unknown> };
    expect(e.message).toContain(`Deployment ${ns}/broken (${file}:6)`);
    expect(e.message).toMatch(/refused the object as invalid: spec\.template\.metadata\.labels: .*selector/);
    expect(e.result).toMatchObject({ status: 422, reason: 'Invalid' });
    expect(await writes()).toBe(before);
  });

  it('a CRD and its custom resources in one task: predicted under --check, applied in order with the CRD Established first', async () => {
    const file = join(dir, 'metallb.yaml');
    writeFileSync(file, POOL_CRDS);
    const check = await runModuleOn(conn, k8s, { src: file }, { check: true });
    expect(check.changed).toBe(true);
    expect(check.result.results).toEqual([
      { kind: 'Namespace', name: 'metallb-system', action: 'create' },
      { kind: 'CustomResourceDefinition', name: 'ipaddresspools.metallb.io', action: 'create' },
      { kind: 'CustomResourceDefinition', name: 'l2advertisements.metallb.io', action: 'create' },
      { kind: 'IPAddressPool', name: 'pool', namespace: 'metallb-system', action: 'create' },
      { kind: 'L2Advertisement', name: 'l2', namespace: 'metallb-system', action: 'create' },
    ]);
    expect(check.warnings.join('\n')).toContain('IPAddressPool metallb-system/pool: predicted as created without a dry run, since its CustomResourceDefinition is created by this task');

    const run = await runModuleOn(conn, k8s, { src: file, wait: true, wait_timeout: 30, wait_sleep: 0.2 });
    expect(run.changed).toBe(true);
    const pool = await runModuleOn(conn, k8sInfo, { api_version: 'metallb.io/v1beta1', kind: 'IPAddressPool', name: 'pool', namespace: 'metallb-system' });
    expect(pool.result.resources).toEqual([expect.objectContaining({ spec: { addresses: ['10.1.1.200-10.1.1.220'] } })]);
    const crd = await runModuleOn(conn, k8sInfo, { api_version: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'ipaddresspools.metallb.io', wait: true, wait_condition: { type: 'Established' }, wait_timeout: 10, wait_sleep: 0.2 });
    expect(crd.result.resources).toHaveLength(1);

    const before = await writes();
    expect((await runModuleOn(conn, k8s, { src: file })).changed).toBe(false);
    expect(await writes()).toBe(before);
  });

  it('waits for Available and reports the last status it saw on a timeout', async () => {
    const ns = newNamespace();
    await runModuleOn(conn, k8s, { definition: [namespaceOf(ns), deployment(ns, 3)] });
    const e = (await runModuleOn(conn, k8sInfo, { api_version: 'apps/v1', kind: 'Deployment', name: 'web', namespace: ns, wait: true, wait_condition: { type: 'Available' }, wait_timeout: 1, wait_sleep: 0.2 }).catch((x: unknown) => x)) as Error;
    expect(e.message).toMatch(new RegExp(`^Deployment ${ns}/web is not condition Available=True after 1 s; last seen: `));
    // what a controller would write: the status subresource
    const status = { status: { observedGeneration: 99, replicas: 3, updatedReplicas: 3, availableReplicas: 3, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] } };
    const r = await api.request('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/web/status`, status, { contentType: 'application/merge-patch+json' });
    expect(r.status, r.body).toBe(200);
    const ok = await runModuleOn(conn, k8sInfo, { api_version: 'apps/v1', kind: 'Deployment', name: 'web', namespace: ns, wait: true, wait_timeout: 5, wait_sleep: 0.2 });
    expect(ok.result.resources).toHaveLength(1);
  });

  it('a Secret: its values are in neither the diff nor the registered result, nor in k8s_info output', async () => {
    const ns = newNamespace();
    await runModuleOn(conn, k8s, { definition: namespaceOf(ns) });
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: ns }, stringData: { password: 'hunter2-secret' } };
    const check = await runModuleOn(conn, k8s, { definition: secret }, { check: true, diff: true });
    const run = await runModuleOn(conn, k8s, { definition: secret }, { diff: true });
    const info = await runModuleOn(conn, k8sInfo, { kind: 'Secret', name: 'creds', namespace: ns });
    const b64 = Buffer.from('hunter2-secret').toString('base64');
    for (const shown of [check.plan.diff, check.result, run.plan.diff, run.result, info.result]) {
      const text = JSON.stringify(shown);
      expect(text).not.toContain('hunter2-secret');
      expect(text).not.toContain(b64);
    }
    const data = (info.result.resources as { data: Record<string, { reveal(): string }> }[])[0]?.data;
    expect(data?.password?.reveal()).toBe(b64);
    // stringData is write-only: the rerun compares what it would store, not what was written
    expect((await runModuleOn(conn, k8s, { definition: secret })).changed).toBe(false);
  });

  it('prune deletes objects of the declared kinds carrying the task labels that are no longer declared', async () => {
    const ns = newNamespace();
    await runModuleOn(conn, k8s, { definition: namespaceOf(ns) });
    const labels = { 'app.kubernetes.io/managed-by': 'tsplay-test' };
    const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { x: name } });
    await runModuleOn(conn, k8s, { definition: [cm('p1'), cm('p2')], apply_labels: labels });
    const check = await runModuleOn(conn, k8s, { definition: [cm('p1')], apply_labels: labels, prune: true }, { check: true });
    expect(check.changed).toBe(true);
    expect(check.result.pruned).toEqual([`ConfigMap ${ns}/p2`]);
    const run = await runModuleOn(conn, k8s, { definition: [cm('p1')], apply_labels: labels, prune: true });
    expect(run.changed).toBe(true);
    expect((await api.kubectl(['get', 'configmap', 'p2', '-n', ns])).exitCode).not.toBe(0);
    expect((await runModuleOn(conn, k8s, { definition: [cm('p1')], apply_labels: labels, prune: true })).changed).toBe(false);
  });

  it('state absent deletes in reverse order; a second run and --check find nothing to do', async () => {
    const ns = newNamespace();
    await runModuleOn(conn, k8s, { definition: [namespaceOf(ns), configMap(ns, 'a')] });
    const params = { state: 'absent', definition: [configMap(ns, 'a')] };
    expect((await runModuleOn(conn, k8s, params, { check: true })).changed).toBe(true);
    const run = await runModuleOn(conn, k8s, params);
    expect(run.changed).toBe(true);
    expect(run.result.deleted).toEqual([`ConfigMap ${ns}/settings`]);
    const before = await writes();
    expect((await runModuleOn(conn, k8s, params)).changed).toBe(false);
    expect(await writes()).toBe(before);
  });
});

describe.skipIf(!ready)('the Kubernetes API host', () => {
  it('a bad token makes the host unreachable, naming the cluster and the cause', async () => {
    const api = await startKubeApiserver();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'tsplay-k8s-'));
      const file = join(dir, 'bad.conf');
      writeFileSync(file, api.kubeconfig.replaceAll(api.token, 'not-the-token'));
      const e = (await openKubeConnection({ host: 'cluster', connection: 'kubernetes', address: 'cluster', vars: { tsplay_kubeconfig: file, tsplay_kube_context: 'tsplay-token' } }).catch((x: unknown) => x)) as Error & { code?: string };
      expect(e.code).toBe('E_UNREACHABLE');
      expect(e.message).toMatch(/^Kubernetes API tsplay-token \(https:\/\/127\.0\.0\.1:\d+\) refused the credentials \(401 Unauthorized\)$/);
      expect(e.message).not.toContain('not-the-token');
      rmSync(dir, { recursive: true, force: true });
    } finally {
      await api.close();
    }
  });

  it('tsplay_kube_server reaches the server another way; the certificate must still be the kubeconfig server\'s', async () => {
    const api = await startKubeApiserver();
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-k8s-'));
    try {
      const port = new URL(api.url).port;
      const vars = (file: string) => ({ tsplay_kubeconfig: file, tsplay_kube_server: `https://127.0.0.1:${port}` });
      // "kubernetes" is in the serving certificate but resolves nowhere here: the VIP of a fetched admin.conf
      const viaVip = join(dir, 'vip.conf');
      writeFileSync(viaVip, api.kubeconfig.replace(api.url, `https://kubernetes:${port}`));
      const conn = await openKubeConnection({ host: 'c', connection: 'kubernetes', address: 'c', vars: vars(viaVip) });
      expect((await conn.kube?.version())?.gitVersion).toMatch(/^v1\./);
      await conn.close();
      const wrongName = join(dir, 'wrong.conf');
      writeFileSync(wrongName, api.kubeconfig.replace(api.url, `https://api.elsewhere.example:${port}`));
      const e = (await openKubeConnection({ host: 'c', connection: 'kubernetes', address: 'c', vars: vars(wrongName) }).catch((x: unknown) => x)) as Error & { code?: string };
      expect(e.code).toBe('E_UNREACHABLE');
      expect(e.message).toMatch(/cannot be reached: its TLS certificate is not trusted with the kubeconfig's CA \(ERR_TLS_CERT_ALTNAME_INVALID/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await api.close();
    }
  });

  it('the API server going away mid-run makes the host unreachable', async () => {
    const api = await startKubeApiserver();
    const conn = await openKubeConnection({ host: 'cluster', connection: 'kubernetes', address: 'cluster', vars: { tsplay_kubeconfig: api.kubeconfigPath, tsplay_kube_retries: 0 } });
    await api.close();
    const e = (await runModuleOn(conn, k8s, { definition: configMap('default', 'x') }).catch((x: unknown) => x)) as Error & { code?: string };
    expect(e.code).toBe('E_UNREACHABLE');
    expect(e.message).toMatch(/^Kubernetes API tsplay \(https:\/\/127\.0\.0\.1:\d+\) cannot be reached: (connection refused|the connection was reset)/);
    await conn.close();
  });

  it('a kubeconfig that does not exist, or lacks the context, is a clear error before any request', async () => {
    const missing = (await openKubeConnection({ host: 'c', connection: 'kubernetes', address: 'c', vars: { tsplay_kubeconfig: '/nonexistent/admin.conf' } }).catch((x: unknown) => x)) as Error;
    expect(missing.message).toBe('kubeconfig /nonexistent/admin.conf does not exist');
    const api = await startKubeApiserver();
    try {
      const e = (await openKubeConnection({ host: 'c', connection: 'kubernetes', address: 'c', vars: { tsplay_kubeconfig: api.kubeconfigPath, tsplay_kube_context: 'nope' } }).catch((x: unknown) => x)) as Error;
      expect(e.message).toBe(`kubeconfig ${api.kubeconfigPath} has no context 'nope' (it has: tsplay, tsplay-denied, tsplay-token)`);
    } finally {
      await api.close();
    }
  });
});
