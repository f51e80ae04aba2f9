/**
 * The `kubernetes` preset of nsx_dfw: the groups, services and rules a
 * kubeadm cluster with Cilium, kube-vip and MetalLB needs between its nodes
 * (ports of domain-reference section 8). Everything is named `<prefix>-...`.
 */
import type { GroupSpec, KubernetesSpec, PolicySpec, RuleSpec, ServiceSpec } from './dfw-params.js';

export interface DfwSpec {
  readonly groups: readonly GroupSpec[];
  readonly services: readonly ServiceSpec[];
  readonly policy?: PolicySpec;
}

/** A rule with the schema's defaults filled in. */
export function ruleWithDefaults(r: Partial<RuleSpec> & Pick<RuleSpec, 'id'>): RuleSpec {
  return {
    sources: ['ANY'],
    destinations: ['ANY'],
    services: ['ANY'],
    sources_excluded: false,
    destinations_excluded: false,
    action: 'ALLOW',
    direction: 'IN_OUT',
    ip_protocol: 'IPV4_IPV6',
    scope: ['ANY'],
    logged: false,
    disabled: false,
    ...r,
  };
}

export function kubernetesPreset(k: KubernetesSpec): DfwSpec {
  const p = k.prefix;
  const nodes = `${p}-nodes`;
  const cp = `${p}-control-plane`;
  const groups: GroupSpec[] = [
    { id: nodes, description: 'Kubernetes nodes (tsplay preset)', ip_addresses: [...new Set([...k.control_plane, ...k.workers])] },
    { id: cp, description: 'Kubernetes control-plane nodes and the API VIP (tsplay preset)', ip_addresses: [...k.control_plane, ...(k.api_vip ? [k.api_vip] : [])] },
    ...(k.lb_addresses?.length ? [{ id: `${p}-loadbalancers`, description: 'MetalLB addresses (tsplay preset)', ip_addresses: [...k.lb_addresses] }] : []),
  ];
  const services: ServiceSpec[] = [
    { id: `${p}-api`, description: 'kube-apiserver', tcp: [6443] },
    { id: `${p}-etcd`, description: 'etcd client and peer', tcp: ['2379-2380'] },
    { id: `${p}-kubelet`, description: 'kubelet API', tcp: [10250] },
    { id: `${p}-control-plane-metrics`, description: 'controller-manager, scheduler, kube-vip metrics', tcp: [10257, 10259, 2112] },
    { id: `${p}-nodeports`, description: 'NodePort services', tcp: ['30000-32767'], udp: ['30000-32767'] },
    { id: `${p}-cilium`, description: 'cilium-health, Hubble, tunnel', tcp: [4240, 4244, 4245], udp: [k.tunnel === 'geneve' ? 6081 : 8472], icmp_types: [8, 0] },
    { id: `${p}-metallb`, description: 'MetalLB memberlist', tcp: [7946], udp: [7946] },
  ];
  const rule = (id: string, sources: string[], destinations: string[], service: string): RuleSpec =>
    ruleWithDefaults({ id: `${p}-${id}`, sources, destinations, services: [`${p}-${service}`], logged: k.logged });
  const rules: RuleSpec[] = [
    rule('api', k.api_clients, [cp], 'api'),
    rule('etcd', [cp], [cp], 'etcd'),
    rule('kubelet', [nodes], [nodes], 'kubelet'),
    rule('control-plane-metrics', [nodes], [cp], 'control-plane-metrics'),
    rule('cilium', [nodes], [nodes], 'cilium'),
    rule('metallb', [nodes], [nodes], 'metallb'),
    rule('nodeports', k.nodeport_clients, [nodes], 'nodeports'),
  ];
  return { groups, services, policy: { id: `${p}-cluster`, description: 'Kubernetes node-to-node traffic (tsplay preset)', category: 'Infrastructure', rules } };
}

/** Declared objects over generated ones: same id replaces, others are appended in order. */
export function overlay<T extends { readonly id: string }>(base: readonly T[], over: readonly T[]): T[] {
  const baseIds = new Set(base.map((b) => b.id));
  return [...base.map((b) => over.find((o) => o.id === b.id) ?? b), ...over.filter((o) => !baseIds.has(o.id))];
}

/** The preset (if any) with the declared groups, services and policy over it. */
export function mergeSpec(preset: DfwSpec | undefined, declared: DfwSpec): DfwSpec {
  if (!preset) return declared;
  const policy = declared.policy && preset.policy ? { ...preset.policy, ...declared.policy, rules: overlay(preset.policy.rules, declared.policy.rules) } : (declared.policy ?? preset.policy);
  return { groups: overlay(preset.groups, declared.groups), services: overlay(preset.services, declared.services), ...(policy ? { policy } : {}) };
}
