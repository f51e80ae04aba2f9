/**
 * The test controller against the test API server, driven by Debian sid's
 * kubectl 1.36 as an independent client: what it writes must satisfy
 * kubectl's own rollout, wait and drain logic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiserver, type KubeApiserver } from './kube-apiserver.js';
import { kubeControllerAvailable, startKubeController, type KubeController } from './kube-controller.js';

const ready = await kubeControllerAvailable();

type Obj = Record<string, any>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const nodes = `
apiVersion: v1
kind: Node
metadata: {name: n1, labels: {disk: ssd}}
---
apiVersion: v1
kind: Node
metadata: {name: n2, annotations: {tsplay.io/kubelet-version: v1.35.2, tsplay.io/internal-ip: 192.0.2.2}}
---
apiVersion: v1
kind: Node
metadata: {name: n3, annotations: {tsplay.io/kubelet: stopped}}
---
apiVersion: v1
kind: Node
metadata: {name: n4}
spec:
  taints: [{key: dedicated, value: gpu, effect: NoSchedule}]
`;

const deployment = (name: string, replicas: number, image = 'nginx:1.27'): string => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}, tier: backend}}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: main
        image: ${image}
        ports: [{name: http, containerPort: 8080}]
`;

describe.skipIf(!ready)('lab: test kube-controller', () => {
  let k: KubeApiserver;
  let ctl: KubeController;
  beforeAll(async () => {
    k = await startKubeApiserver();
    const t0 = Date.now();
    ctl = await startKubeController(k, { terminationDelayMs: 300, verbosity: Number(process.env.TSPLAY_KCTL_V ?? 0) });
    if (process.env.TSPLAY_KCTL_LOG) console.log(`controller ready in ${Date.now() - t0} ms: ${ctl.loops.join(',')}`);
  });
  afterAll(async () => {
    if (process.env.TSPLAY_KCTL_LOG) await import('node:fs/promises').then((fs) => fs.writeFile(process.env.TSPLAY_KCTL_LOG!, ctl?.stderr() ?? ''));
    await ctl?.close();
    await k?.close();
  });

  const ok = async (args: string[], input?: string, timeoutMs?: number): Promise<string> => {
    const r = await k.kubectl(args, { ...(input === undefined ? {} : { input }), ...(timeoutMs ? { timeoutMs } : {}) });
    if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}\n${r.stdout}`);
    return r.stdout;
  };
  const get = async (what: string): Promise<Obj> => JSON.parse(await ok(['get', ...what.split(' '), '-o', 'json'])) as Obj;
  const items = async (what: string): Promise<Obj[]> => (await get(what)).items as Obj[];
  const cond = (o: Obj, type: string): Obj | undefined => (o.status?.conditions as Obj[] | undefined)?.find((c) => c.type === type);
  /** polls until check returns a value (not undefined), or fails with the last error */
  const until = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> => {
    const end = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const v = await check();
        if (v !== undefined) return v;
      } catch (e) {
        last = e;
      }
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}\n${ctl.stderr().slice(-2000)}`);
      await sleep(200);
    }
  };

  it('every Node is registered by a kubelet stand-in: Ready, labels, addresses, kubeletVersion; a stopped kubelet leaves it Unknown', async () => {
    await ok(['apply', '--server-side', '-f', '-'], nodes);
    expect(await ok(['wait', '--for=condition=Ready', 'node/n1', 'node/n2', 'node/n4', '--timeout=30s'])).toContain('condition met');
    const n1 = await get('node n1');
    const n2 = await get('node n2');
    expect(cond(n1, 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
    expect(cond(n1, 'MemoryPressure')).toMatchObject({ status: 'False', reason: 'KubeletHasSufficientMemory' });
    expect(n1.metadata.labels).toMatchObject({ disk: 'ssd', 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux' });
    const version = JSON.parse(await ok(['version', '-o', 'json'])).serverVersion.gitVersion as string;
    expect(n1.status.nodeInfo.kubeletVersion).toBe(version);
    expect(n2.status.nodeInfo.kubeletVersion).toBe('v1.35.2');
    expect(n2.status.addresses).toEqual([
      { type: 'InternalIP', address: '192.0.2.2' },
      { type: 'Hostname', address: 'n2' },
    ]);
    const ip1 = n1.status.addresses.find((a: Obj) => a.type === 'InternalIP').address as string;
    expect(ip1).toMatch(/^10\.89\./);
    // as kubectl's wait and jsonpath see it
    expect(await ok(['get', 'node', 'n2', '-o', 'jsonpath={.status.nodeInfo.kubeletVersion} {.status.addresses[0].address}'])).toBe('v1.35.2 192.0.2.2');

    const n3 = await until('n3 status', async () => {
      const n = await get('node n3');
      return cond(n, 'Ready') ? n : undefined;
    });
    expect(cond(n3, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    const r = await k.kubectl(['wait', '--for=condition=Ready', 'node/n3', '--timeout=2s']);
    expect(r.exitCode).not.toBe(0);
  });

  it('a Deployment becomes Available: ReplicaSet, one pod per replica spread over the Ready nodes, rollout status and wait succeed', async () => {
    await ok(['apply', '--server-side', '-f', '-'], deployment('web', 3));
    expect(await ok(['rollout', 'status', 'deployment/web', '--timeout=60s'], undefined, 70_000)).toContain('deployment "web" successfully rolled out');
    expect(await ok(['wait', '--for=condition=Available', 'deployment/web', '--timeout=10s'])).toContain('condition met');

    const d = await get('deployment web');
    expect(d.status).toMatchObject({ observedGeneration: d.metadata.generation, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(cond(d, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    const rss = await items('rs -l app=web');
    expect(rss).toHaveLength(1);
    const rs = rss[0]!;
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs.metadata.name}" has successfully progressed.` });
    const hash = rs.metadata.labels['pod-template-hash'] as string;
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true })]);
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3' });

    const pods = await items('pods -l app=web');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name.startsWith(`web-${hash}-`)).toBe(true);
      expect(p.metadata.labels).toEqual({ app: 'web', tier: 'backend', 'pod-template-hash': hash });
      expect(p.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReplicaSet', name: rs.metadata.name, controller: true })]);
      expect(p.status.phase).toBe('Running');
      expect(cond(p, 'Ready')?.status).toBe('True');
      expect(cond(p, 'PodScheduled')?.status).toBe('True');
      expect(p.status.podIP).toMatch(/^10\.244\./);
      expect(p.status.containerStatuses).toEqual([expect.objectContaining({ name: 'main', image: 'nginx:1.27', ready: true, state: { running: expect.any(Object) } })]);
    }
    // only Ready, untainted nodes; spread
    const nodesUsed = pods.map((p) => p.spec.nodeName as string);
    expect(new Set(nodesUsed)).toEqual(new Set(['n1', 'n2']));
    expect(new Set(pods.map((p) => p.status.podIP)).size).toBe(3);
    const n2pod = pods.find((p) => p.spec.nodeName === 'n2')!;
    expect(n2pod.status.hostIP).toBe('192.0.2.2');
  });

  it('a new template rolls out through a new ReplicaSet; the old one is scaled to 0', async () => {
    await ok(['set', 'image', 'deployment/web', 'main=nginx:1.28']);
    expect(await ok(['rollout', 'status', 'deployment/web', '--timeout=60s'], undefined, 70_000)).toContain('successfully rolled out');
    const rss = await items('rs -l app=web');
    expect(rss).toHaveLength(2);
    const fresh = rss.find((r) => r.metadata.annotations['deployment.kubernetes.io/revision'] === '2')!;
    const old = rss.find((r) => r.metadata.annotations['deployment.kubernetes.io/revision'] === '1')!;
    expect(fresh.status).toMatchObject({ replicas: 3, availableReplicas: 3 });
    expect(old.spec.replicas).toBe(0);
    const pods = await until('old pods gone', async () => {
      const ps = await items('pods -l app=web');
      return ps.length === 3 && ps.every((p) => p.metadata.labels['pod-template-hash'] === fresh.metadata.labels['pod-template-hash']) ? ps : undefined;
    });
    expect(pods.map((p) => p.spec.containers[0].image)).toEqual(['nginx:1.28', 'nginx:1.28', 'nginx:1.28']);
    expect((await get('deployment web')).metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
    expect(await ok(['rollout', 'history', 'deployment/web'])).toMatch(/1\s+<none>\s+2\s+<none>/);
  });

  it('a DaemonSet gets one pod per Ready node it fits (nodeSelector, taints), and rollout status succeeds', async () => {
    await ok(['apply', '--server-side', '-f', '-'], `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: default}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "busybox:1.36"}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ssd-agent, namespace: default}
spec:
  selector: {matchLabels: {app: ssd-agent}}
  template:
    metadata: {labels: {app: ssd-agent}}
    spec:
      nodeSelector: {disk: ssd}
      containers: [{name: agent, image: "busybox:1.36"}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: gpu-agent, namespace: default}
spec:
  selector: {matchLabels: {app: gpu-agent}}
  template:
    metadata: {labels: {app: gpu-agent}}
    spec:
      tolerations: [{key: dedicated, operator: Exists}]
      containers: [{name: agent, image: "busybox:1.36"}]
`);
    for (const ds of ['agent', 'ssd-agent', 'gpu-agent']) {
      expect(await ok(['rollout', 'status', `ds/${ds}`, '--timeout=60s'], undefined, 70_000)).toContain(`daemon set "${ds}" successfully rolled out`);
    }
    const onNodes = async (app: string): Promise<string[]> => (await items(`pods -l app=${app}`)).map((p) => p.spec.nodeName as string).sort();
    // n3 is not Ready, n4 is tainted dedicated=gpu:NoSchedule
    expect(await onNodes('agent')).toEqual(['n1', 'n2']);
    expect(await onNodes('ssd-agent')).toEqual(['n1']);
    expect(await onNodes('gpu-agent')).toEqual(['n1', 'n2', 'n4']);
    const ds = await get('ds agent');
    expect(ds.status).toMatchObject({
      observedGeneration: ds.metadata.generation,
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      updatedNumberScheduled: 2,
      numberReady: 2,
      numberAvailable: 2,
      numberMisscheduled: 0,
    });
    const pod = (await items('pods -l app=agent'))[0]!;
    expect(pod.metadata.ownerReferences[0]).toMatchObject({ kind: 'DaemonSet', name: 'agent', controller: true });
    expect(pod.metadata.labels['controller-revision-hash']).toBeTruthy();
    expect(pod.spec.tolerations).toEqual(expect.arrayContaining([{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }]));
    expect(pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0]).toEqual({
      key: 'metadata.name',
      operator: 'In',
      values: [pod.spec.nodeName],
    });
  });

  it('Endpoints and an EndpointSlice list the Ready pods of a Service', async () => {
    await ok(['apply', '--server-side', '-f', '-'], `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`);
    const podIPs = (await items('pods -l app=web')).map((p) => p.status.podIP as string).sort();
    const ep = await until('endpoints', async () => {
      const e = await get('endpoints web');
      return e.subsets?.[0]?.addresses?.length === 3 ? e : undefined;
    });
    expect(ep.subsets[0].addresses.map((a: Obj) => a.ip).sort()).toEqual(podIPs);
    expect(ep.subsets[0].ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const slices = await items('endpointslices -l kubernetes.io/service-name=web');
    expect(slices).toHaveLength(1);
    expect(slices[0]!.addressType).toBe('IPv4');
    expect(slices[0]!.endpoints.map((e: Obj) => e.addresses[0]).sort()).toEqual(podIPs);
    expect(slices[0]!.endpoints.every((e: Obj) => e.conditions.ready === true)).toBe(true);
    expect(slices[0]!.metadata.ownerReferences[0]).toMatchObject({ kind: 'Service', name: 'web' });
  });

  it('kubectl drain evicts pods while a PodDisruptionBudget allows it, leaves DaemonSet pods, and times out on the last pod the budget protects', async () => {
    await ok(['apply', '--server-side', '-f', '-'], `${deployment('db', 2)}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: db, namespace: default}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: db}}
`);
    await ok(['rollout', 'status', 'deployment/db', '--timeout=60s'], undefined, 70_000);
    expect(new Set((await items('pods -l app=db')).map((p) => p.spec.nodeName))).toEqual(new Set(['n1', 'n2']));
    const pdb = await until('pdb status', async () => {
      const p = await get('pdb db');
      return p.status?.currentHealthy === 2 ? p : undefined;
    });
    expect(pdb.status).toMatchObject({ currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 2, observedGeneration: pdb.metadata.generation });
    expect(cond(pdb, 'DisruptionAllowed')).toMatchObject({ status: 'True', reason: 'SufficientPods' });

    // n1: its db pod may go (1 disruption allowed); its replacement goes to n2
    const drained = await k.kubectl(['drain', 'n1', '--ignore-daemonsets', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(drained.exitCode, drained.stderr).toBe(0);
    expect(drained.stdout).toMatch(/pod\/db-\S+ evicted/);
    expect(drained.stdout).toContain('node/n1 drained');
    expect(drained.stderr).toMatch(/Warning: ignoring DaemonSet-managed Pods: .*default\/agent-/);
    const onN1 = await items('pods --field-selector spec.nodeName=n1');
    expect(onN1.map((p) => p.metadata.labels.app).sort()).toEqual(['agent', 'gpu-agent', 'ssd-agent']);
    await ok(['rollout', 'status', 'deployment/db', '--timeout=60s'], undefined, 70_000);
    expect((await items('pods -l app=db')).map((p) => p.spec.nodeName)).toEqual(['n2', 'n2']);

    // n2: the first db pod may go, its replacement finds no node, the last one is protected
    const refused = await k.kubectl(['drain', 'n2', '--ignore-daemonsets', '--timeout=8s'], { timeoutMs: 30_000 });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget");
    expect(refused.stderr).toMatch(/error when evicting pods\/"db-\S+" -n "default" \(will retry after 5s\)/);
    const db = await items('pods -l app=db');
    const running = db.filter((p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp);
    const pending = db.filter((p) => p.status.phase === 'Pending');
    expect(running.map((p) => p.spec.nodeName)).toEqual(['n2']);
    expect(pending).toHaveLength(1);
    expect(cond(pending[0]!, 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(cond(pending[0]!, 'PodScheduled')!.message).toMatch(/^0\/4 nodes are available: .*2 node\(s\) were unschedulable/);
    expect((await get('pdb db')).status).toMatchObject({ currentHealthy: 1, desiredHealthy: 1, disruptionsAllowed: 0, expectedPods: 2 });
    // the DaemonSet pods stay on the cordoned node
    expect((await items('pods -l app=agent')).map((p) => p.spec.nodeName).sort()).toEqual(['n1', 'n2']);

    // uncordon: the pending pods are scheduled, everything is available again
    await ok(['uncordon', 'n1', 'n2']);
    for (const d of ['db', 'web']) await ok(['rollout', 'status', `deployment/${d}`, '--timeout=60s'], undefined, 70_000);
    expect((await items('pods -l app=db')).every((p) => p.status.phase === 'Running')).toBe(true);
  });

  it('a PVC is Bound: to a provisioned PV of the default StorageClass, to a static PV, and WaitForFirstConsumer once a pod is scheduled', async () => {
    await ok(['apply', '--server-side', '-f', '-'], `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: standard, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: example.com/fake
reclaimPolicy: Delete
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: local}
provisioner: example.com/local
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: default}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: static-5g}
spec:
  storageClassName: ""
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce, ReadOnlyMany]
  hostPath: {path: /srv/static}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: static, namespace: default}
spec:
  storageClassName: ""
  accessModes: [ReadOnlyMany]
  resources: {requests: {storage: 2Gi}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: late, namespace: default}
spec:
  storageClassName: local
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`);
    expect(await ok(['wait', '--for=jsonpath={.status.phase}=Bound', 'pvc/data', 'pvc/static', '--timeout=30s'])).toContain('condition met');
    const data = await get('pvc data');
    expect(data.spec.storageClassName).toBe('standard');
    expect(data.spec.volumeName).toBe(`pvc-${data.metadata.uid}`);
    expect(data.status).toMatchObject({ phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] });
    const pv = await get(`pv ${data.spec.volumeName}`);
    expect(pv.status.phase).toBe('Bound');
    expect(pv.spec).toMatchObject({ storageClassName: 'standard', persistentVolumeReclaimPolicy: 'Delete', claimRef: { name: 'data', namespace: 'default', uid: data.metadata.uid } });
    expect(pv.metadata.annotations['pv.kubernetes.io/provisioned-by']).toBe('example.com/fake');
    expect((await get('pvc static')).spec.volumeName).toBe('static-5g');
    expect((await get('pvc static')).status.capacity).toEqual({ storage: '5Gi' });

    // WaitForFirstConsumer: Pending until a pod using it is scheduled
    await sleep(1_000);
    expect((await get('pvc late')).status.phase).toBe('Pending');
    await ok(['apply', '--server-side', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: consumer, namespace: default}
spec:
  nodeSelector: {disk: ssd}
  containers: [{name: c, image: "busybox:1.36"}]
  volumes: [{name: v, persistentVolumeClaim: {claimName: late}}]
`);
    await ok(['wait', '--for=condition=Ready', 'pod/consumer', '--timeout=30s']);
    const late = await get('pvc late');
    expect(late.status.phase).toBe('Bound');
    expect(late.metadata.annotations['volume.kubernetes.io/selected-node']).toBe('n1');
    expect((await get('pod consumer')).spec.nodeName).toBe('n1');
    const latePV = await get(`pv ${late.spec.volumeName}`);
    expect(latePV.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0]).toEqual({ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] });

    // reclaim: Delete removes the provisioned PV with its claim; the static one (Retain) is Released
    await ok(['delete', 'pvc', 'data', 'static']);
    await until('provisioned PV deleted', async () => ((await k.request('GET', `/api/v1/persistentvolumes/${data.spec.volumeName}`)).status === 404 ? true : undefined));
    await until('static PV released', async () => ((await get('pv static-5g')).status.phase === 'Released' ? true : undefined));
  });

  it('a StatefulSet makes <name>-0..N-1 in order with a claim each; rollout status succeeds', async () => {
    await ok(['apply', '--server-side', '-f', '-'], `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: pg, namespace: default}
spec:
  serviceName: pg
  replicas: 3
  selector: {matchLabels: {app: pg}}
  template:
    metadata: {labels: {app: pg}}
    spec:
      containers: [{name: pg, image: "postgres:16"}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`);
    expect(await ok(['rollout', 'status', 'sts/pg', '--timeout=60s'], undefined, 70_000)).toContain('partitioned roll out complete: 3 new pods have been updated');
    const pods = (await items('pods -l app=pg')).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    expect(pods.map((p) => p.metadata.name)).toEqual(['pg-0', 'pg-1', 'pg-2']);
    // OrderedReady: each started after the one before it was Ready
    const started = pods.map((p) => Date.parse(p.metadata.creationTimestamp));
    const readyAt = pods.map((p) => Date.parse(cond(p, 'Ready')!.lastTransitionTime));
    expect(started[1]).toBeGreaterThanOrEqual(readyAt[0]!);
    expect(started[2]).toBeGreaterThanOrEqual(readyAt[1]!);
    expect(pods[1]!.metadata.labels).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'pg-1', 'apps.kubernetes.io/pod-index': '1' });
    expect(pods[1]!.spec).toMatchObject({ hostname: 'pg-1', subdomain: 'pg' });
    expect(pods[1]!.spec.volumes).toEqual(expect.arrayContaining([{ name: 'data', persistentVolumeClaim: { claimName: 'data-pg-1' } }]));
    const claims = await items('pvc -l app=pg');
    expect(claims.map((c) => `${c.metadata.name}:${c.status.phase}`).sort()).toEqual(['data-pg-0:Bound', 'data-pg-1:Bound', 'data-pg-2:Bound']);
    const sts = await get('sts pg');
    expect(sts.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3, currentReplicas: 3 });
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
  });

  it('LoadBalancer Services get addresses from a MetalLB pool an advertisement covers, in order; none from a pool without one', async () => {
    const crd = (kind: string, plural: string): string => `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${plural}.metallb.io}
spec:
  group: metallb.io
  names: {kind: ${kind}, plural: ${plural}, singular: ${kind.toLowerCase()}}
  scope: Namespaced
  versions:
  - name: v1beta1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;
    await ok(['apply', '--server-side', '-f', '-'], [crd('IPAddressPool', 'ipaddresspools'), crd('L2Advertisement', 'l2advertisements'), crd('BGPAdvertisement', 'bgpadvertisements')].join('\n---\n'));
    await ok(['wait', '--for=condition=Established', 'crd/ipaddresspools.metallb.io', 'crd/l2advertisements.metallb.io', '--timeout=30s']);
    await ok(['create', 'namespace', 'metallb-system']);
    await ok(['apply', '--server-side', '-f', '-'], `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: lab, namespace: metallb-system}
spec:
  addresses: [192.168.240.10-192.168.240.12]
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: lab, namespace: metallb-system}
spec:
  ipAddressPools: [lab]
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: dark, namespace: metallb-system}
spec:
  addresses: [10.99.0.0/30]
  avoidBuggyIPs: true
  autoAssign: false
`);
    const lb = (name: string, annotations = ''): string => `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default${annotations ? `, annotations: {${annotations}}` : ''}}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;
    const ingress = async (name: string): Promise<string | undefined> => (await get(`svc ${name}`)).status?.loadBalancer?.ingress?.[0]?.ip as string | undefined;
    await ok(['apply', '--server-side', '-f', '-'], lb('lb-a'));
    expect(await until('lb-a address', () => ingress('lb-a'))).toBe('192.168.240.10');
    await ok(['apply', '--server-side', '-f', '-'], lb('lb-b'));
    expect(await until('lb-b address', () => ingress('lb-b'))).toBe('192.168.240.11');
    expect((await get('svc lb-a')).metadata.annotations['metallb.io/ip-allocated-from-pool']).toBe('lab');
    const events = await until('IPAllocated event', async () => {
      const e = await items('events --field-selector involvedObject.name=lb-b,reason=IPAllocated');
      return e.length ? e : undefined;
    });
    expect(events[0]!.message).toBe('Assigned IP ["192.168.240.11"]');

    // the pool nothing advertises gives nothing, even when asked for by name
    await ok(['apply', '--server-side', '-f', '-'], lb('lb-dark', '"metallb.io/address-pool": dark'));
    await sleep(2_500);
    expect(await ingress('lb-dark')).toBeUndefined();
    // once advertised it does (.0 skipped: avoidBuggyIPs)
    await ok(['apply', '--server-side', '-f', '-'], `
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: dark, namespace: metallb-system}
spec:
  ipAddressPools: [dark]
`);
    expect(await until('lb-dark address', () => ingress('lb-dark'))).toBe('10.99.0.1');

    // a requested address, then an exhausted pool
    await ok(['apply', '--server-side', '-f', '-'], lb('lb-c', '"metallb.universe.tf/loadBalancerIPs": 192.168.240.12'));
    expect(await until('lb-c address', () => ingress('lb-c'))).toBe('192.168.240.12');
    await ok(['apply', '--server-side', '-f', '-'], lb('lb-d'));
    const failed = await until('AllocationFailed event', async () => {
      const e = await items('events --field-selector involvedObject.name=lb-d,reason=AllocationFailed');
      return e.length ? e : undefined;
    });
    expect(failed[0]!.message).toContain('no available IPs');
    expect(await ingress('lb-d')).toBeUndefined();
    // deleting a Service frees its address
    await ok(['delete', 'svc', 'lb-a']);
    expect(await until('lb-d address', () => ingress('lb-d'))).toBe('192.168.240.10');
  });

  it('a rollout that cannot progress ends in ProgressDeadlineExceeded, and kubectl rollout status fails', async () => {
    await ok(['apply', '--server-side', '-f', '-'], `
apiVersion: apps/v1
kind: Deployment
metadata: {name: nowhere, namespace: default}
spec:
  progressDeadlineSeconds: 2
  selector: {matchLabels: {app: nowhere}}
  template:
    metadata: {labels: {app: nowhere}}
    spec:
      nodeSelector: {disk: nvme}
      containers: [{name: c, image: "busybox:1.36"}]
`);
    const r = await k.kubectl(['rollout', 'status', 'deployment/nowhere', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('deployment "nowhere" exceeded its progress deadline');
    const d = await get('deployment nowhere');
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(cond(d, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    const pod = (await items('pods -l app=nowhere'))[0]!;
    expect(cond(pod, 'PodScheduled')!.message).toContain("node(s) didn't match Pod's node affinity/selector");
    await ok(['delete', 'deployment', 'nowhere']);
  });

  it("a graceful delete ends after the containers stop (-termination-delay), not the pod's grace period", async () => {
    const t0 = Date.now();
    await ok(['delete', 'pod', 'consumer']); // grace period 30 s; kubectl waits until it is gone
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect((await k.request('GET', '/api/v1/namespaces/default/pods/consumer')).status).toBe(404);
  });

  it('pods of a node whose kubelet stops turn NotReady; pods of a deleted node are collected', async () => {
    const gpuPod = async (): Promise<Obj | undefined> => (await items('pods -l app=gpu-agent')).find((p) => p.spec.nodeName === 'n4');
    expect(cond((await gpuPod())!, 'Ready')?.status).toBe('True');
    await ok(['annotate', 'node', 'n4', 'tsplay.io/kubelet=stopped']);
    await until('pod on n4 not Ready', async () => (cond((await gpuPod())!, 'Ready')?.status === 'False' ? true : undefined));
    expect(cond(await get('node n4'), 'Ready')?.status).toBe('Unknown');
    await ok(['delete', 'node', 'n4']);
    await until('pod on n4 collected', async () => ((await gpuPod()) === undefined ? true : undefined));
    expect((await get('ds gpu-agent')).status).toMatchObject({ desiredNumberScheduled: 2, numberAvailable: 2 });
  });

  it('deleting a Deployment collects its ReplicaSets and pods; --cascade=foreground waits for them', async () => {
    await ok(['delete', 'deployment', 'web']);
    await until('web collected', async () => ((await items('rs -l app=web')).length === 0 && (await items('pods -l app=web')).length === 0 ? true : undefined));
    const r = await k.kubectl(['delete', 'deployment', 'db', '--cascade=foreground', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await items('rs -l app=db')).length).toBe(0);
    expect((await items('pods -l app=db')).length).toBe(0);

    // --cascade=orphan: the ReplicaSet and its pods stay, without the owner reference
    await ok(['apply', '--server-side', '-f', '-'], deployment('keep', 1));
    await ok(['rollout', 'status', 'deployment/keep', '--timeout=60s'], undefined, 70_000);
    const o = await k.kubectl(['delete', 'deployment', 'keep', '--cascade=orphan', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(o.exitCode, o.stderr).toBe(0);
    const rs = await items('rs -l app=keep');
    expect(rs).toHaveLength(1);
    expect(rs[0]!.metadata.ownerReferences).toBeUndefined();
    expect(await items('pods -l app=keep')).toHaveLength(1);
  });

  it("the controller's writes are not counted as clients' writes", async () => {
    const before = await k.writeCount();
    await ok(['patch', 'sts', 'pg', '--type=merge', '-p', '{"spec":{"replicas":1}}']);
    await until('scaled down', async () => ((await items('pods -l app=pg')).length === 1 ? true : undefined));
    const after = await k.writeCount();
    expect(after.writes).toBe(before.writes + 1);
    expect(after.controllerWrites).toBeGreaterThan(before.controllerWrites ?? 0);
  });
});

describe.skipIf(!ready)('lab: test kube-controller without nodes', () => {
  let k: KubeApiserver;
  let ctl: KubeController;
  beforeAll(async () => {
    k = await startKubeApiserver();
    ctl = await startKubeController(k);
  });
  afterAll(async () => {
    await ctl?.close();
    await k?.close();
  });

  it('with no Node at all, pods run unscheduled (no host IP) and a Deployment still becomes Available', async () => {
    const apply = await k.kubectl(['apply', '--server-side', '-f', '-'], { input: deployment('solo', 2) });
    expect(apply.exitCode, apply.stderr).toBe(0);
    const r = await k.kubectl(['rollout', 'status', 'deployment/solo', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(r.exitCode, r.stderr + ctl.stderr()).toBe(0);
    const pods = JSON.parse((await k.kubectl(['get', 'pods', '-l', 'app=solo', '-o', 'json'])).stdout).items as Obj[];
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.spec.nodeName).toBeUndefined();
      expect(p.status.hostIP).toBeUndefined();
      expect(p.status).toMatchObject({ phase: 'Running', podIP: expect.stringMatching(/^10\.244\./) });
    }
  });
});
