/**
 * kube_vip: the static-pod manifest of kube-vip holding the control plane's
 * VIP in ARP mode (/etc/kubernetes/manifests/kube-vip.yaml), as
 * `kube-vip manifest pod --controlplane --arp --leaderElection` generates it
 * (shared/domain-reference.md §3): `address` (not the deprecated
 * `vip_address`), `vip_subnet` (not `vip_cidr`, gone since v0.9.0), the lease
 * timings, NET_ADMIN/NET_RAW only, hostNetwork, `kubernetes` → 127.0.0.1.
 *
 * The kubeconfig it mounts (always at /etc/kubernetes/admin.conf in the
 * container; only the host path changes): since Kubernetes 1.29 admin.conf
 * has its rights through RBAC that `kubeadm init` creates at its end, so on the
 * node that runs init, kube-vip must use super-admin.conf until init has
 * finished, or it cannot take its lease, the VIP never comes up and init times
 * out (kube-vip #684). With `kubeconfig: auto` (the default) the init node gets
 * super-admin.conf while it has no control plane yet and admin.conf once init
 * has written admin.conf and the control-plane manifests; a joining control
 * plane gets admin.conf from the start. The kubelet restarts the static pod
 * when the file changes; a rerun changes nothing.
 */
import { defineModule, ModuleFailure, Type, type HostContext, type Plan } from '../engine/module.js';
import { applyContentWrite, type ContentWriteState } from './support/content-write.js';
import { planTextWrite, readTextFile } from './support/text-edit.js';

const MANIFEST = '/etc/kubernetes/manifests/kube-vip.yaml';
const ADMIN = '/etc/kubernetes/admin.conf';
const SUPER_ADMIN = '/etc/kubernetes/super-admin.conf';

const params = Type.Object(
  {
    address: Type.String({ minLength: 1, description: 'The VIP (an IPv4 or IPv6 address, or a DNS name).' }),
    interface: Type.String({ minLength: 1, description: 'The node interface that answers ARP for the VIP (ens192, ...).' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 6443, description: 'The API server port behind the VIP.' }),
    subnet: Type.Integer({ minimum: 1, maximum: 128, default: 32, description: 'vip_subnet: the VIP\'s prefix length.' }),
    image: Type.String({ default: 'ghcr.io/kube-vip/kube-vip', minLength: 1, description: 'The image, without its tag.' }),
    version: Type.String({ default: 'v1.2.3', pattern: '^v\\d+\\.\\d+\\.\\d+$', description: 'The image tag, pinned (v0.9.0 or later: vip_subnet).' }),
    role: Type.Union([Type.Literal('init'), Type.Literal('join')], { description: 'init: the node that runs kubeadm init; join: a control plane that joins.' }),
    kubeconfig: Type.Union([Type.Literal('auto'), Type.Literal('admin'), Type.Literal('super-admin')], { default: 'auto', description: 'The kubeconfig to mount: auto (super-admin.conf on the init node until init has finished, admin.conf otherwise), or one of them always.' }),
    cp_enable: Type.Boolean({ default: true, description: 'Hold the control-plane VIP.' }),
    svc_enable: Type.Boolean({ default: false, description: 'Also announce LoadBalancer Services (leave false with MetalLB).' }),
    lease_name: Type.String({ default: 'plndr-cp-lock', minLength: 1, description: 'The leader-election Lease in kube-system.' }),
    lease_duration: Type.Integer({ minimum: 1, default: 15, description: 'vip_leaseduration, seconds (kube-vip\'s defaults 15/10/2).' }),
    renew_deadline: Type.Integer({ minimum: 1, default: 10, description: 'vip_renewdeadline, seconds.' }),
    retry_period: Type.Integer({ minimum: 1, default: 2, description: 'vip_retryperiod, seconds.' }),
  },
  { additionalProperties: false },
);

type Params = typeof params.static;

/** Which kubeconfig kube-vip mounts now, and why. */
async function chooseKubeconfig(ctx: HostContext, p: Params): Promise<{ path: string; why: string }> {
  if (p.kubeconfig === 'admin') return { path: ADMIN, why: 'asked for admin.conf' };
  if (p.kubeconfig === 'super-admin') return { path: SUPER_ADMIN, why: 'asked for super-admin.conf' };
  if (p.role === 'join') return { path: ADMIN, why: 'a joining control plane uses admin.conf' };
  const initialised = (await ctx.stat(ADMIN)) !== null && (await ctx.stat('/etc/kubernetes/manifests/kube-apiserver.yaml')) !== null;
  return initialised
    ? { path: ADMIN, why: 'kubeadm init has finished: admin.conf has its RBAC' }
    : { path: SUPER_ADMIN, why: 'kubeadm init has not run here yet: admin.conf gets its RBAC only at its end (kube-vip #684)' };
}

export function manifest(p: Params, kubeconfig: string): string {
  const env: [string, string][] = [
    ['vip_arp', 'true'],
    ['port', String(p.port)],
    ['vip_interface', p.interface],
    ['vip_subnet', String(p.subnet)],
    ['cp_enable', String(p.cp_enable)],
    ['cp_namespace', 'kube-system'],
    ['svc_enable', String(p.svc_enable)],
    ['vip_leaderelection', 'true'],
    ['vip_leasename', p.lease_name],
    ['vip_leaseduration', String(p.lease_duration)],
    ['vip_renewdeadline', String(p.renew_deadline)],
    ['vip_retryperiod', String(p.retry_period)],
    ['address', p.address],
    ['prometheus_server', ':2112'],
  ];
  const q = (s: string): string => JSON.stringify(s);
  return [
    '# written by tsplay (kube_vip); the kubelet runs it as a static pod',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: kube-vip',
    '  namespace: kube-system',
    'spec:',
    '  containers:',
    '  - name: kube-vip',
    `    image: ${q(`${p.image}:${p.version}`)}`,
    '    imagePullPolicy: IfNotPresent',
    '    args: ["manager"]',
    '    env:',
    '    - name: vip_nodename',
    '      valueFrom:',
    '        fieldRef: {fieldPath: spec.nodeName}',
    ...env.flatMap(([name, value]) => [`    - name: ${name}`, `      value: ${q(value)}`]),
    '    securityContext:',
    '      capabilities:',
    '        add: [NET_ADMIN, NET_RAW]',
    '        drop: [ALL]',
    '    volumeMounts:',
    '    - name: kubeconfig',
    '      mountPath: /etc/kubernetes/admin.conf',
    '  hostAliases:',
    '  - ip: 127.0.0.1',
    '    hostnames: [kubernetes]',
    '  hostNetwork: true',
    '  volumes:',
    '  - name: kubeconfig',
    '    hostPath:',
    `      path: ${kubeconfig}`,
    '',
  ].join('\n');
}

export default defineModule({
  name: 'kube_vip',
  description: 'Writes the kube-vip static-pod manifest (ARP, leader election) for the control-plane VIP; super-admin.conf on the init node until kubeadm init has finished.',
  params,
  async check(ctx, p): Promise<Plan<ContentWriteState>> {
    if (!p.cp_enable && !p.svc_enable) throw new ModuleFailure('kube_vip: cp_enable and svc_enable are both false: it would hold nothing');
    const { path, why } = await chooseKubeconfig(ctx, p);
    const file = await readTextFile(ctx, MANIFEST, { create: true, mustExist: false });
    const plan = await planTextWrite(ctx, file, manifest(p, path), { attributes: { mode: '0600' }, backup: false }, 'kube-vip manifest written');
    return { ...plan, result: { ...plan.result, path: MANIFEST, kubeconfig: path, kubeconfig_reason: why, image: `${p.image}:${p.version}` } };
  },
  async apply(ctx, plan) {
    return { result: await applyContentWrite(ctx, plan.state) };
  },
});
