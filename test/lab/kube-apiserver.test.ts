/**
 * The test Kubernetes API server against an independent client: Debian sid's
 * kubectl 1.36 (and raw HTTPS where the Status body itself is the point).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeApiserverAvailable, startKubeApiserver, type KubeApiserver } from './kube-apiserver.js';

const ready = await kubeApiserverAvailable();

const deployment = (replicas: number, image = 'nginx:1.27'): string => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
      - name: sidecar
        image: busybox
`;

const crd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wg]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              color: {type: string}
          status:
            type: object
            properties:
              ready: {type: boolean}
`;

const widget = (size: number): string => `
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1, namespace: default}
spec: {size: ${size}, color: blue}
`;

interface Status {
  kind: string;
  status: string;
  reason: string;
  code: number;
  message: string;
  details?: { name?: string; kind?: string; causes?: { reason?: string; field?: string; message?: string }[] };
}

describe.skipIf(!ready)('lab: test kube-apiserver', () => {
  let k: KubeApiserver;
  beforeAll(async () => {
    k = await startKubeApiserver();
  });
  afterAll(async () => {
    await k?.close();
  });

  const ok = async (args: string[], input?: string): Promise<string> => {
    const r = await k.kubectl(args, input === undefined ? {} : { input });
    if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
    return r.stdout;
  };
  const getJson = async <T = Record<string, any>>(path: string): Promise<T> => {
    const r = await k.request('GET', path);
    expect(r.status, r.body).toBe(200);
    return JSON.parse(r.body) as T;
  };

  it('serves TLS for 127.0.0.1 signed by its CA; kubectl verifies it and reports the server version', async () => {
    expect(k.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(k.kubeconfig).toContain('certificate-authority-data');
    const v = JSON.parse(await ok(['version', '-o', 'json'])) as { serverVersion: { gitVersion: string; minor: string } };
    expect(v.serverVersion.gitVersion).toMatch(/^v1\.\d+\.\d+-tsplay$/);
    const ns = await ok(['get', 'namespaces', '-o', 'name']);
    expect(ns.split('\n')).toEqual(expect.arrayContaining(['namespace/default', 'namespace/kube-system', 'namespace/kube-public']));
  });

  it('401 for a bad or missing token, 403 with the real message for the denied user', async () => {
    const bad = await k.request('GET', '/api/v1/namespaces/default/pods', undefined, { token: 'not-a-token' });
    expect(bad.status).toBe(401);
    expect(JSON.parse(bad.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    expect((await k.request('GET', '/api/v1/namespaces/default/pods', undefined, { token: '' })).status).toBe(401);
    // kubectl with a wrong token (the tsplay-token context has no client certificate)
    const r = await k.kubectl(['get', 'pods', '--token', 'not-a-token'], { context: 'tsplay-token' });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('Unauthorized');
    expect((await k.kubectl(['get', 'pods'], { context: 'tsplay-token' })).exitCode).toBe(0);

    const denied = await k.request('GET', '/api/v1/namespaces/default/pods', undefined, { token: k.deniedToken });
    expect(denied.status).toBe(403);
    const s = JSON.parse(denied.body) as Status;
    expect(s).toMatchObject({ reason: 'Forbidden', code: 403 });
    expect(s.message).toBe('pods is forbidden: User "tsplay-denied" cannot list resource "pods" in API group "" in the namespace "default"');
  });

  it('kubectl apply --server-side: a Deployment (defaulted, list-map keys in managedFields), a CRD (Established) and a custom resource', async () => {
    expect(await ok(['apply', '--server-side', '-f', '-'], deployment(2))).toContain('deployment.apps/web serverside-applied');
    expect(await ok(['apply', '--server-side', '-f', '-'], crd)).toContain('serverside-applied');
    expect(await ok(['wait', '--for', 'condition=Established', 'crd/widgets.example.com', '--timeout=30s'])).toContain('condition met');
    expect(await ok(['apply', '--server-side', '-f', '-'], widget(3))).toContain('widget.example.com/w1 serverside-applied');

    const d = await getJson('/apis/apps/v1/namespaces/default/deployments/web');
    expect(d.metadata.generation).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: 'nginx', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 80, protocol: 'TCP' }] });
    expect(d.spec.template.spec.containers[1]).toMatchObject({ name: 'sidecar', imagePullPolicy: 'Always' });
    const mf = d.metadata.managedFields as { manager: string; operation: string; fieldsV1: Record<string, any> }[];
    expect(mf).toHaveLength(1);
    expect(mf[0]).toMatchObject({ manager: 'kubectl', operation: 'Apply' });
    const containers = mf[0]!.fieldsV1['f:spec']['f:template']['f:spec']['f:containers'];
    expect(Object.keys(containers).sort()).toEqual(['k:{"name":"nginx"}', 'k:{"name":"sidecar"}']);
    expect(Object.keys(containers['k:{"name":"nginx"}']['f:ports'])).toEqual(['k:{"containerPort":80,"protocol":"TCP"}']);

    const got = await ok(['get', 'deploy,wg', '-o', 'name']);
    expect(got.trim().split('\n').sort()).toEqual(['deployment.apps/web', 'widget.example.com/w1']);
    const w = JSON.parse(await ok(['get', 'widget', 'w1', '-o', 'json']));
    expect(w.spec).toEqual({ size: 3, color: 'blue' });
  });

  it('re-applying the same manifest changes nothing: same resourceVersion, no storage write (the PATCH is still counted as sent)', async () => {
    const before = await getJson('/apis/apps/v1/namespaces/default/deployments/web');
    const rev = await k.etcdRevision();
    const count = await k.writeCount();
    await ok(['apply', '--server-side', '-f', '-'], deployment(2));
    const after = await getJson('/apis/apps/v1/namespaces/default/deployments/web');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(await k.etcdRevision()).toBe(rev);
    const now = await k.writeCount();
    expect(now.writes).toBe(count.writes + 1);
    expect(now.requests.at(-1)).toMatchObject({ method: 'PATCH', path: '/apis/apps/v1/namespaces/default/deployments/web', dryRun: false, status: 200, fieldManager: 'kubectl' });
  });

  it('--dry-run=server answers with the result and writes nothing', async () => {
    const rev = await k.etcdRevision();
    const count = await k.writeCount();
    const out = JSON.parse(await ok(['apply', '--server-side', '--dry-run=server', '-o', 'json', '-f', '-'], deployment(7)));
    expect(out.spec.replicas).toBe(7);
    expect((await getJson('/apis/apps/v1/namespaces/default/deployments/web')).spec.replicas).toBe(2);
    expect(await k.etcdRevision()).toBe(rev);
    const now = await k.writeCount();
    expect(now.writes).toBe(count.writes);
    expect(now.dryRun).toBe(count.dryRun + 1);
    expect(now.requests.at(-1)).toMatchObject({ dryRun: true, status: 200 });
  });

  it('a field owned by another manager is a 409 conflict naming it; --force-conflicts takes it over', async () => {
    const scale = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  replicas: 5\n';
    const r = await k.kubectl(['apply', '--server-side', '--field-manager=autoscaler', '-f', '-'], { input: scale });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('conflict with "kubectl": .spec.replicas');

    const raw = await k.request('PATCH', '/apis/apps/v1/namespaces/default/deployments/web?fieldManager=autoscaler', scale, {
      contentType: 'application/apply-patch+yaml',
    });
    expect(raw.status).toBe(409);
    const s = JSON.parse(raw.body) as Status;
    expect(s).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
    expect(s.details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' }]);

    await ok(['apply', '--server-side', '--field-manager=autoscaler', '--force-conflicts', '-f', '-'], scale);
    const d = await getJson('/apis/apps/v1/namespaces/default/deployments/web');
    expect(d.spec.replicas).toBe(5);
    expect(d.metadata.generation).toBe(2);
    const owners = (d.metadata.managedFields as { manager: string; fieldsV1: Record<string, any> }[]).filter((m) => m.fieldsV1['f:spec']?.['f:replicas']);
    expect(owners.map((m) => m.manager)).toEqual(['autoscaler']);
  });

  it('an invalid object is a 422 with the real Status body (field causes)', async () => {
    const bad = `apiVersion: apps/v1
kind: Deployment
metadata: {name: bad, namespace: default}
spec:
  selector: {matchLabels: {app: one}}
  template:
    metadata: {labels: {app: two}}
    spec:
      containers: [{name: c}]
`;
    const r = await k.kubectl(['apply', '--server-side', '-f', '-'], { input: bad });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('The Deployment "bad" is invalid');
    expect(r.stderr).toContain('spec.template.metadata.labels: Invalid value: {"app":"two"}: `selector` does not match template `labels`');

    const raw = await k.request('POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bad' },
      spec: { selector: { matchLabels: { app: 'one' } }, template: { metadata: { labels: { app: 'one' } }, spec: { containers: [{ name: 'c' }] } } },
    });
    expect(raw.status).toBe(422);
    const s = JSON.parse(raw.body) as Status;
    expect(s).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422, details: { name: 'bad', kind: 'Deployment' } });
    expect(s.details?.causes).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers[0].image' }]);
    expect((await k.request('GET', '/apis/apps/v1/namespaces/default/deployments/bad')).status).toBe(404);
  });

  it('objects in a namespace that does not exist are refused (NamespaceLifecycle admission)', async () => {
    const r = await k.request('POST', '/api/v1/namespaces/nope/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toMatchObject({ reason: 'NotFound', message: 'namespaces "nope" not found' });
  });

  it('watch streams changes to kubectl', async () => {
    const watching = k.kubectl(['get', 'configmaps', '--watch-only', '--output-watch-events', '-o', 'jsonpath={.type} {.object.metadata.name}{"\\n"}'], {
      timeoutMs: 5_000,
    });
    await new Promise((r) => setTimeout(r, 1_500));
    await ok(['create', 'configmap', 'watched', '--from-literal=a=b']);
    await ok(['delete', 'configmap', 'watched']);
    const out = (await watching).stdout;
    expect(out.trim().split('\n')).toEqual(['ADDED watched', 'DELETED watched']);
  });

  it('custom resource status is its own subresource', async () => {
    await ok(['patch', 'widget', 'w1', '--subresource=status', '--type=merge', '-p', '{"status":{"ready":true}}']);
    // status sent to the main resource is ignored (reset by the strategy)
    await ok(['patch', 'widget', 'w1', '--type=merge', '-p', '{"status":{"ready":false},"spec":{"size":4}}']);
    const w = JSON.parse(await ok(['get', 'widget', 'w1', '-o', 'json']));
    expect(w.status).toEqual({ ready: true });
    expect(w.spec.size).toBe(4);
  });

  it('pods/eviction respects a PodDisruptionBudget; kubectl drain cordons and evicts', async () => {
    await ok(['apply', '--server-side', '-f', '-'], `
apiVersion: v1
kind: Node
metadata: {name: node1}
---
apiVersion: v1
kind: Pod
metadata: {name: db-0, namespace: default, labels: {app: db}}
spec:
  nodeName: node1
  containers: [{name: c, image: "busybox:1.36"}]
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: default, labels: {app: other}}
spec:
  nodeName: node1
  containers: [{name: c, image: "busybox:1.36"}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: db, namespace: default}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: db}}
`);
    // no kubelet: the pods become Running and Ready through pods/status, as a kubelet would write it
    for (const p of ['db-0', 'other']) {
      await ok(['patch', 'pod', p, '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}']);
    }
    // the budget's status is 0 disruptions allowed (no disruption controller has computed it)
    const refused = await k.request('POST', '/api/v1/namespaces/default/pods/db-0/eviction', {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'db-0', namespace: 'default' },
    });
    expect(refused.status).toBe(429);
    const s = JSON.parse(refused.body) as Status;
    expect(s).toMatchObject({ reason: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget." });
    expect(s.details?.causes?.[0]?.reason).toBe('DisruptionBudget');

    await ok(['patch', 'pdb', 'db', '--subresource=status', '--type=merge', '-p', '{"status":{"observedGeneration":1,"disruptionsAllowed":1,"currentHealthy":1,"desiredHealthy":1,"expectedPods":1}}']);
    const drain = await k.kubectl(['drain', 'node1', '--force', '--grace-period=0', '--timeout=30s'], { timeoutMs: 45_000 });
    expect(drain.exitCode, drain.stderr).toBe(0);
    expect(drain.stdout).toContain('pod/db-0 evicted');
    expect(drain.stdout).toContain('node/node1 drained');
    expect((await getJson('/api/v1/nodes/node1')).spec.unschedulable).toBe(true);
    expect((await getJson('/api/v1/namespaces/default/pods')).items).toEqual([]);
    const pdb = await getJson('/apis/policy/v1/namespaces/default/poddisruptionbudgets/db');
    expect(pdb.status.disruptionsAllowed).toBe(0);
    expect(Object.keys(pdb.status.disruptedPods)).toEqual(['db-0']);
  });

  it('pods on a node are deleted gracefully (deletionTimestamp, kept until a grace-0 delete), as without a kubelet in a real cluster', async () => {
    await ok(['apply', '--server-side', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: slow, namespace: default}
spec:
  nodeName: node1
  containers: [{name: c, image: "busybox:1.36"}]
`);
    await ok(['delete', 'pod', 'slow', '--wait=false']);
    const p = await getJson('/api/v1/namespaces/default/pods/slow');
    expect(p.metadata.deletionTimestamp).toBeTruthy();
    expect(p.metadata.deletionGracePeriodSeconds).toBe(30);
    await ok(['delete', 'pod', 'slow', '--grace-period=0', '--force']);
    expect((await k.request('GET', '/api/v1/namespaces/default/pods/slow')).status).toBe(404);
  });

  it('pods/binding assigns a pending pod to a node once (PodScheduled=True); a second binding is a 409', async () => {
    await ok(['apply', '--server-side', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: unbound, namespace: default}
spec:
  containers: [{name: c, image: "busybox:1.36"}]
`);
    const pod = await getJson('/api/v1/namespaces/default/pods/unbound');
    const bind = (node: string): Promise<{ status: number; body: string }> =>
      k.request('POST', '/api/v1/namespaces/default/pods/unbound/binding', {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: 'unbound', uid: pod.metadata.uid },
        target: { kind: 'Node', name: node },
      });
    const first = await bind('node1');
    expect(first.status, first.body).toBe(201);
    const bound = await getJson('/api/v1/namespaces/default/pods/unbound');
    expect(bound.spec.nodeName).toBe('node1');
    expect(bound.status.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'True' })]);
    const again = await bind('node2');
    expect(again.status).toBe(409);
    expect(JSON.parse(again.body).message).toContain('pod unbound is already assigned to node "node1"');
    await ok(['delete', 'pod', 'unbound', '--grace-period=0', '--force']);
  });
});
