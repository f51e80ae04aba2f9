import { describe, expect, it } from 'vitest';
import { chunkPorts, desiredDfw, DfwSpecError, groupObject, groupRef, normalizePorts, serviceObject, serviceRef } from '../../../../src/modules/support/nsx/dfw-desired.js';
import { kubernetesPreset, mergeSpec, ruleWithDefaults } from '../../../../src/modules/support/nsx/k8s-preset.js';

describe('references', () => {
  it.each([
    ['ANY', 'ANY'],
    ['k8s-nodes', '/infra/domains/default/groups/k8s-nodes'],
    ['/infra/domains/other/groups/x', '/infra/domains/other/groups/x'],
    ['10.1.1.5', '10.1.1.5'],
    ['10.1.1.0/24', '10.1.1.0/24'],
    ['10.1.1.200-10.1.1.220', '10.1.1.200-10.1.1.220'],
    ['2001:db8::/64', '2001:db8::/64'],
    ['web2', '/infra/domains/default/groups/web2'],
  ])('group ref %s → %s', (ref, want) => expect(groupRef('default', ref)).toBe(want));
  it.each([
    ['ANY', 'ANY'],
    ['SSH', '/infra/services/SSH'],
    ['/infra/services/HTTP', '/infra/services/HTTP'],
  ])('service ref %s → %s', (ref, want) => expect(serviceRef(ref)).toBe(want));
});

describe('ports and the 15-port limit (a range counts 2)', () => {
  it.each([
    { ports: [6443], want: ['6443'] },
    { ports: ['2380', 2379, '2379'], want: ['2379', '2380'] },
    { ports: ['30000-32767', 80, '100-100'], want: ['80', '100', '30000-32767'] },
  ])('normalizes $ports', ({ ports, want }) => expect(normalizePorts('x', ports)).toEqual(want));
  it.each([['0'], ['70000'], ['200-100']])('refuses %s', (p) => expect(() => normalizePorts('services[s].tcp', [p])).toThrow(/services\[s\]\.tcp: "[^"]+" is not a port/));

  const singles = (n: number) => Array.from({ length: n }, (_, i) => String(1000 + i));
  const ranges = (n: number) => Array.from({ length: n }, (_, i) => `${2000 + i * 10}-${2005 + i * 10}`);
  it.each([
    { name: '15 single ports fit one entry', ports: singles(15), sizes: [15] },
    { name: '16 single ports need two', ports: singles(16), sizes: [15, 1] },
    { name: '7 ranges (14) fit one', ports: ranges(7), sizes: [7] },
    { name: '8 ranges (16) need two', ports: ranges(8), sizes: [7, 1] },
    { name: '14 singles and a range (16) need two', ports: [...singles(14), '3000-3001'], sizes: [14, 1] },
    { name: '13 singles and a range (15) fit', ports: [...singles(13), '3000-3001'], sizes: [14] },
  ])('$name', ({ ports, sizes }) => {
    const chunks = chunkPorts(ports);
    expect(chunks.map((c) => c.length)).toEqual(sizes);
    for (const c of chunks) expect(c.reduce((w, p) => w + (p.includes('-') ? 2 : 1), 0)).toBeLessThanOrEqual(15);
    expect(chunks.flat()).toEqual(ports);
  });

  it('a service with too many ports is split into entries tcp-1, tcp-2', () => {
    const s = serviceObject({ id: 'many', tcp: singles(20).map(Number), udp: [53] });
    expect((s['service_entries'] as { id: string }[]).map((e) => e.id)).toEqual(['tcp-1', 'tcp-2', 'udp']);
  });
  it('one entry per protocol, ICMP types as ICMPTypeServiceEntry', () => {
    expect(serviceObject({ id: 'c', tcp: [4240], udp: [8472], icmp_types: [8] })).toEqual({
      resource_type: 'Service',
      id: 'c',
      display_name: 'c',
      service_entries: [
        { resource_type: 'L4PortSetServiceEntry', id: 'tcp', l4_protocol: 'TCP', destination_ports: ['4240'] },
        { resource_type: 'L4PortSetServiceEntry', id: 'udp', l4_protocol: 'UDP', destination_ports: ['8472'] },
        { resource_type: 'ICMPTypeServiceEntry', id: 'icmp-8', protocol: 'ICMPv4', icmp_type: 8 },
      ],
    });
  });
  it('a service with no ports is refused', () => expect(() => serviceObject({ id: 'e' })).toThrow(/services\[e\]: give tcp, udp or icmp_types/));
});

describe('groups', () => {
  it.each([
    { name: 'addresses only: one IPAddressExpression', g: { id: 'a', ip_addresses: ['10.0.0.1', '10.0.0.1', '10.0.1.0/24'] }, types: ['IPAddressExpression'] },
    { name: 'tags, addresses and nested groups joined by OR', g: { id: 'b', vm_tags: [{ scope: 'k8s', tag: 'node' }, { scope: '', tag: 'x' }], ip_addresses: ['10.0.0.1'], groups: ['a'] }, types: ['Condition', 'ConjunctionOperator', 'Condition', 'ConjunctionOperator', 'IPAddressExpression', 'ConjunctionOperator', 'PathExpression'] },
    { name: 'no members: an empty expression', g: { id: 'c' }, types: [] },
  ])('$name', ({ g, types }) => {
    const o = groupObject('default', g);
    const expr = o['expression'] as Record<string, unknown>[];
    expect(expr.map((e) => e['resource_type'])).toEqual(types);
    expect(expr.filter((e) => e['resource_type'] === 'IPAddressExpression').length).toBeLessThanOrEqual(1);
  });
  it('tag conditions are scope|tag', () => {
    const expr = groupObject('default', { id: 'b', vm_tags: [{ scope: 'k8s', tag: 'node' }] })['expression'] as Record<string, unknown>[];
    expect(expr[0]).toEqual({ resource_type: 'Condition', member_type: 'VirtualMachine', key: 'Tag', operator: 'EQUALS', value: 'k8s|node' });
  });
  it('nested groups become paths', () => {
    const expr = groupObject('default', { id: 'n', groups: ['a', '/infra/domains/default/groups/b'] })['expression'] as Record<string, unknown>[];
    expect(expr[0]).toEqual({ resource_type: 'PathExpression', paths: ['/infra/domains/default/groups/a', '/infra/domains/default/groups/b'] });
  });
});

describe('declarations NSX would refuse', () => {
  const rule = ruleWithDefaults;
  it.each([
    { name: 'ANY with others', policy: { id: 'p', rules: [rule({ id: 'r', sources: ['ANY', 'g'] })] }, msg: /policy\.rules\[r\]\.sources: ANY must stand alone/ },
    { name: 'JUMP_TO_APPLICATION outside Environment', policy: { id: 'p', category: 'Application' as const, rules: [rule({ id: 'r', action: 'JUMP_TO_APPLICATION' })] }, msg: /only in the Environment category/ },
    { name: 'two rules with one id', policy: { id: 'p', rules: [rule({ id: 'r' }), rule({ id: 'r' })] }, msg: /policy\.rules: id "r" is declared twice/ },
    { name: 'two rules with one sequence number', policy: { id: 'p', rules: [rule({ id: 'a', sequence_number: 20 }), rule({ id: 'b' })] }, msg: /sequence_number: 20 is also rule a's/ },
  ])('$name', ({ policy, msg }) => {
    expect(() => desiredDfw('default', { groups: [], services: [], policy })).toThrow(DfwSpecError);
    expect(() => desiredDfw('default', { groups: [], services: [], policy })).toThrow(msg);
  });
  it('JUMP_TO_APPLICATION in Environment is fine', () => {
    expect(() => desiredDfw('default', { groups: [], services: [], policy: { id: 'p', category: 'Environment', rules: [rule({ id: 'r', action: 'JUMP_TO_APPLICATION' })] } })).not.toThrow();
  });
});

describe('the kubernetes preset', () => {
  const k = { control_plane: ['10.1.1.11', '10.1.1.12'], workers: ['10.1.1.21'], api_vip: '10.1.1.5', lb_addresses: ['10.1.1.200-10.1.1.220'], api_clients: ['ANY'], nodeport_clients: ['ANY'], tunnel: 'vxlan' as const, prefix: 'k8s', logged: false };
  const d = desiredDfw('default', kubernetesPreset(k));
  const ports = (proto: string) =>
    d.services.flatMap((s) => (s['service_entries'] as Record<string, unknown>[]).filter((e) => e['l4_protocol'] === proto).flatMap((e) => e['destination_ports'] as string[]));

  it.each([
    ['TCP', ['6443', '2379-2380', '10250', '10257', '10259', '30000-32767', '4240', '4244', '4245', '7946', '2112']],
    ['UDP', ['30000-32767', '8472', '7946']],
  ])('opens the %s ports of domain-reference section 8', (proto, want) => expect(ports(proto).sort()).toEqual([...want].sort()));
  it('allows ICMP echo for cilium-health', () => expect(JSON.stringify(d.services)).toContain('"icmp_type":8'));
  it('geneve instead of vxlan', () => {
    const g = desiredDfw('default', kubernetesPreset({ ...k, tunnel: 'geneve' }));
    expect(JSON.stringify(g.services)).toContain('"6081"');
    expect(JSON.stringify(g.services)).not.toContain('"8472"');
  });
  it('the VIP is a control-plane destination; nodes talk to nodes', () => {
    expect(d.groups.find((g) => g['id'] === 'k8s-control-plane')?.['expression']).toEqual([{ resource_type: 'IPAddressExpression', ip_addresses: ['10.1.1.11', '10.1.1.12', '10.1.1.5'] }]);
    const kubelet = d.rules.find((r) => r['id'] === 'k8s-kubelet');
    expect(kubelet?.['source_groups']).toEqual(['/infra/domains/default/groups/k8s-nodes']);
    expect(kubelet?.['services']).toEqual(['/infra/services/k8s-kubelet']);
  });
  it('rules are ordered 10, 20, ... in an Infrastructure policy', () => {
    expect(d.rules.map((r) => r['sequence_number'])).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(d.policy?.['category']).toBe('Infrastructure');
  });
  it('declared objects replace generated ones with the same id and add the others', () => {
    const spec = mergeSpec(kubernetesPreset(k), {
      groups: [{ id: 'admins', ip_addresses: ['192.168.0.0/24'] }],
      services: [{ id: 'k8s-api', tcp: [6443, 8443] }],
      policy: { id: 'k8s-cluster', rules: [ruleWithDefaults({ id: 'k8s-api', sources: ['admins'], destinations: ['k8s-control-plane'], services: ['k8s-api'] }), ruleWithDefaults({ id: 'ssh', sources: ['admins'], services: ['SSH'] })] },
    });
    expect(spec.groups.map((g) => g.id)).toEqual(['k8s-nodes', 'k8s-control-plane', 'k8s-loadbalancers', 'admins']);
    expect(spec.services.find((s) => s.id === 'k8s-api')?.tcp).toEqual([6443, 8443]);
    expect(spec.policy?.rules.map((r) => r.id)).toEqual(['k8s-api', 'k8s-etcd', 'k8s-kubelet', 'k8s-control-plane-metrics', 'k8s-cilium', 'k8s-metallb', 'k8s-nodeports', 'ssh']);
    expect(spec.policy?.rules[0]?.sources).toEqual(['admins']);
    expect(spec.policy?.category).toBe('Infrastructure');
  });
});
