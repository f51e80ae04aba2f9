/**
 * From the declared spec to the NSX objects nsx_dfw wants: Group, Service,
 * SecurityPolicy and Rule bodies with every managed field written out
 * (defaults included), so comparing them with what NSX holds finds every
 * difference and sending them replaces the object completely.
 */
import type { NsxObject } from './api.js';
import { nsxPath } from './api.js';
import type { GroupSpec, PolicySpec, RuleSpec, ServiceSpec } from './dfw-params.js';
import type { DfwSpec } from './k8s-preset.js';

/** A declaration NSX would refuse, found before anything is sent. */
export class DfwSpecError extends Error {
  readonly code = 'E_NSX_DFW_SPEC';
}

export interface DesiredDfw {
  readonly domain: string;
  readonly groups: readonly NsxObject[];
  readonly services: readonly NsxObject[];
  readonly policy?: NsxObject;
  readonly rules: readonly NsxObject[];
}

/** NSX's limit of ports in one service entry's destination_ports; a range counts as 2. */
export const PORTS_PER_ENTRY = 15;
const ADDRESS = /^[0-9A-Fa-f:.]+(\/[0-9]{1,3}|-[0-9A-Fa-f:.]+)?$/;
const isAddress = (s: string): boolean => ADDRESS.test(s) && /[.:]/.test(s);

/** A source/destination/scope entry: ANY, a path, an address, or a group id of the domain. */
export function groupRef(domain: string, ref: string): string {
  if (ref === 'ANY' || ref.startsWith('/') || isAddress(ref)) return ref;
  return nsxPath.group(domain, ref);
}

/** A service entry of a rule: ANY, a path, or a service id (declared or built in). */
export function serviceRef(ref: string): string {
  return ref === 'ANY' || ref.startsWith('/') ? ref : nsxPath.service(ref);
}

function refs(field: string, list: readonly string[], resolve: (r: string) => string): string[] {
  if (list.length === 0) return ['ANY'];
  if (list.includes('ANY') && list.length > 1) throw new DfwSpecError(`${field}: ANY must stand alone, found ${JSON.stringify(list)}`);
  return list.map(resolve);
}

/** Ports as NSX strings, ranges checked, duplicates dropped, sorted by first port. */
export function normalizePorts(field: string, ports: readonly (number | string)[]): string[] {
  const out = new Map<string, number>();
  for (const p of ports) {
    const [a, b = a] = String(p).split('-').map(Number) as [number, number?];
    if (!(a >= 1 && a <= 65535 && b >= 1 && b <= 65535) || b < a) throw new DfwSpecError(`${field}: "${p}" is not a port or a range of ports (1-65535, low-high)`);
    out.set(a === b ? String(a) : `${a}-${b}`, a);
  }
  return [...out.entries()].sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0])).map(([s]) => s);
}

/** Ports in chunks NSX accepts in one entry: at most 15, a range counting 2. */
export function chunkPorts(ports: readonly string[], limit = PORTS_PER_ENTRY): string[][] {
  const chunks: string[][] = [];
  let cur: string[] = [];
  let weight = 0;
  for (const p of ports) {
    const w = p.includes('-') ? 2 : 1;
    if (weight + w > limit) {
      chunks.push(cur);
      cur = [];
      weight = 0;
    }
    cur.push(p);
    weight += w;
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

export function groupObject(domain: string, g: GroupSpec): NsxObject {
  const parts: NsxObject[] = [];
  for (const t of g.vm_tags ?? []) parts.push({ resource_type: 'Condition', member_type: 'VirtualMachine', key: 'Tag', operator: 'EQUALS', value: t.scope ? `${t.scope}|${t.tag}` : t.tag });
  if (g.ip_addresses?.length) parts.push({ resource_type: 'IPAddressExpression', ip_addresses: [...new Set(g.ip_addresses)] });
  if (g.groups?.length) parts.push({ resource_type: 'PathExpression', paths: [...new Set(g.groups.map((r) => groupRef(domain, r)))] });
  const expression = parts.flatMap((p, i) => (i === 0 ? [p] : [{ resource_type: 'ConjunctionOperator', conjunction_operator: 'OR' }, p]));
  return { resource_type: 'Group', id: g.id, display_name: g.display_name ?? g.id, ...(g.description !== undefined ? { description: g.description } : {}), expression };
}

export function serviceObject(s: ServiceSpec): NsxObject {
  const entries: NsxObject[] = [];
  for (const proto of ['tcp', 'udp'] as const) {
    const ports = s[proto];
    if (!ports?.length) continue;
    const chunks = chunkPorts(normalizePorts(`services[${s.id}].${proto}`, ports));
    chunks.forEach((c, i) => entries.push({ resource_type: 'L4PortSetServiceEntry', id: chunks.length === 1 ? proto : `${proto}-${i + 1}`, l4_protocol: proto.toUpperCase(), destination_ports: c }));
  }
  for (const t of [...new Set(s.icmp_types ?? [])]) entries.push({ resource_type: 'ICMPTypeServiceEntry', id: `icmp-${t}`, protocol: 'ICMPv4', icmp_type: t });
  if (entries.length === 0) throw new DfwSpecError(`services[${s.id}]: give tcp, udp or icmp_types ports`);
  return { resource_type: 'Service', id: s.id, display_name: s.display_name ?? s.id, ...(s.description !== undefined ? { description: s.description } : {}), service_entries: entries };
}

export function policyObject(domain: string, p: PolicySpec): NsxObject {
  return {
    resource_type: 'SecurityPolicy',
    id: p.id,
    display_name: p.display_name ?? p.id,
    ...(p.description !== undefined ? { description: p.description } : {}),
    category: p.category ?? 'Infrastructure',
    ...(p.sequence_number !== undefined ? { sequence_number: p.sequence_number } : {}),
    scope: refs(`policy.scope`, p.scope ?? [], (r) => groupRef(domain, r)),
    stateful: p.stateful ?? true,
    ...(p.tcp_strict !== undefined ? { tcp_strict: p.tcp_strict } : {}),
  };
}

export function ruleObject(domain: string, category: string, r: RuleSpec, index: number): NsxObject {
  const at = `policy.rules[${r.id}]`;
  if (r.action === 'JUMP_TO_APPLICATION' && category !== 'Environment') throw new DfwSpecError(`${at}.action: JUMP_TO_APPLICATION is valid only in the Environment category (the policy is ${category})`);
  return {
    resource_type: 'Rule',
    id: r.id,
    display_name: r.display_name ?? r.id,
    sequence_number: r.sequence_number ?? (index + 1) * 10,
    source_groups: refs(`${at}.sources`, r.sources, (x) => groupRef(domain, x)),
    destination_groups: refs(`${at}.destinations`, r.destinations, (x) => groupRef(domain, x)),
    services: refs(`${at}.services`, r.services, serviceRef),
    scope: refs(`${at}.scope`, r.scope, (x) => groupRef(domain, x)),
    action: r.action,
    direction: r.direction,
    ip_protocol: r.ip_protocol,
    logged: r.logged,
    disabled: r.disabled,
    sources_excluded: r.sources_excluded,
    destinations_excluded: r.destinations_excluded,
    ...(r.notes !== undefined ? { notes: r.notes } : {}),
    ...(r.tag !== undefined ? { tag: r.tag } : {}),
  };
}

function uniqueIds(what: string, items: readonly { readonly id: string }[]): void {
  const seen = new Set<string>();
  for (const { id } of items) {
    if (seen.has(id)) throw new DfwSpecError(`${what}: id "${id}" is declared twice`);
    seen.add(id);
  }
}

export function desiredDfw(domain: string, spec: DfwSpec): DesiredDfw {
  uniqueIds('groups', spec.groups);
  uniqueIds('services', spec.services);
  const policy = spec.policy;
  if (policy) uniqueIds('policy.rules', policy.rules);
  const category = policy?.category ?? 'Infrastructure';
  const rules = policy ? policy.rules.map((r, i) => ruleObject(domain, category, r, i)) : [];
  const seqs = new Map<unknown, string>();
  for (const r of rules) {
    const other = seqs.get(r['sequence_number']);
    if (other) throw new DfwSpecError(`policy.rules[${String(r['id'])}].sequence_number: ${String(r['sequence_number'])} is also rule ${other}'s; rule order would be undefined`);
    seqs.set(r['sequence_number'], String(r['id']));
  }
  return {
    domain,
    groups: spec.groups.map((g) => groupObject(domain, g)),
    services: spec.services.map(serviceObject),
    ...(policy ? { policy: policyObject(domain, policy) } : {}),
    rules,
  };
}
