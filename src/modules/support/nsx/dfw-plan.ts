/**
 * What nsx_dfw would change, from the desired objects and what NSX holds:
 * the list of changes (for the summary, --diff and the registered result)
 * and the one hierarchical `PATCH /infra` body that makes them.
 */
import type { NsxObject } from './api.js';
import { covers, differingFields, mergedForWrite, projectOnto, withoutServerFields } from './compare.js';
import type { DesiredDfw } from './dfw-desired.js';

export interface CurrentDfw {
  /** by id; null: absent */
  readonly groups: ReadonlyMap<string, NsxObject | null>;
  readonly services: ReadonlyMap<string, NsxObject | null>;
  readonly policy: NsxObject | null;
  readonly rules: readonly NsxObject[];
}

export type ChangeKind = 'group' | 'service' | 'policy' | 'rule';

export interface DfwChange {
  readonly kind: ChangeKind;
  readonly id: string;
  readonly action: 'add' | 'change' | 'remove';
  /** for a change: the fields that differ */
  readonly fields?: readonly string[];
  readonly before?: NsxObject;
  readonly after?: NsxObject;
}

export interface DfwPlan {
  readonly changes: readonly DfwChange[];
  /** the hierarchical PATCH body; null when nothing changes */
  readonly body: NsxObject | null;
}

const idOf = (o: NsxObject): string => String(o['id']);

/** Services compare their entries in id order, whatever order NSX returns them in. */
function comparable(kind: ChangeKind, current: NsxObject): NsxObject {
  const entries = current['service_entries'];
  if (kind !== 'service' || !Array.isArray(entries)) return current;
  return { ...current, service_entries: [...(entries as NsxObject[])].sort((a, b) => idOf(a).localeCompare(idOf(b))) };
}
function sortedEntries(kind: ChangeKind, desired: NsxObject): NsxObject {
  const entries = desired['service_entries'];
  if (kind !== 'service' || !Array.isArray(entries)) return desired;
  return { ...desired, service_entries: [...(entries as NsxObject[])].sort((a, b) => idOf(a).localeCompare(idOf(b))) };
}

/** One object: nothing, add, or change (with the differing fields, before and after shown through them). */
export function compareObject(kind: ChangeKind, desired: NsxObject, current: NsxObject | null | undefined): DfwChange | null {
  const id = idOf(desired);
  if (!current) return { kind, id, action: 'add', after: desired };
  const d = sortedEntries(kind, desired);
  const c = comparable(kind, current);
  if (covers(d, c)) return null;
  const fields = differingFields(d, c);
  const pick = (o: NsxObject): NsxObject => Object.fromEntries(fields.filter((f) => o[f] !== undefined).map((f) => [f, o[f]]));
  return { kind, id, action: 'change', fields, before: pick(projectOnto(d, c)), after: pick(d) };
}

/**
 * Entries a service holds but no longer declares (ports moved between split
 * entries): deleted explicitly, since a PATCH may keep entries it does not list.
 */
function staleEntries(desired: NsxObject, current: NsxObject | null): NsxObject {
  const have = current?.['service_entries'];
  if (!Array.isArray(have)) return {};
  const want = new Set((desired['service_entries'] as NsxObject[]).map(idOf));
  const stale = (have as NsxObject[]).filter((e) => !want.has(idOf(e)));
  return stale.length ? { children: stale.map((e) => ({ resource_type: 'ChildServiceEntry', marked_for_delete: true, ServiceEntry: { resource_type: e['resource_type'], id: idOf(e) } })) } : {};
}

export function planDfw(desired: DesiredDfw, current: CurrentDfw, prune: boolean): DfwPlan {
  const changes: DfwChange[] = [];
  const services: NsxObject[] = [];
  const domainChildren: NsxObject[] = [];

  for (const s of desired.services) {
    const cur = current.services.get(idOf(s)) ?? null;
    const ch = compareObject('service', s, cur);
    if (!ch) continue;
    changes.push(ch);
    services.push({ resource_type: 'ChildService', Service: { ...mergedForWrite(s, cur), ...staleEntries(s, cur) } });
  }
  for (const g of desired.groups) {
    const cur = current.groups.get(idOf(g)) ?? null;
    const ch = compareObject('group', g, cur);
    if (!ch) continue;
    changes.push(ch);
    domainChildren.push({ resource_type: 'ChildGroup', Group: mergedForWrite(g, cur) });
  }

  if (desired.policy) {
    const policyId = idOf(desired.policy);
    const policyChange = compareObject('policy', desired.policy, current.policy);
    if (policyChange) changes.push(policyChange);
    const ruleChildren: NsxObject[] = [];
    const byId = new Map(current.rules.map((r) => [idOf(r), r]));
    for (const r of desired.rules) {
      const cur = byId.get(idOf(r)) ?? null;
      const ch = compareObject('rule', r, cur);
      if (!ch) continue;
      changes.push(ch);
      ruleChildren.push({ resource_type: 'ChildRule', Rule: mergedForWrite(r, cur) });
    }
    if (prune) {
      const declared = new Set(desired.rules.map(idOf));
      for (const r of current.rules) {
        if (declared.has(idOf(r))) continue;
        changes.push({ kind: 'rule', id: idOf(r), action: 'remove', before: withoutServerFields(r) as NsxObject });
        ruleChildren.push({ resource_type: 'ChildRule', marked_for_delete: true, Rule: { resource_type: 'Rule', id: idOf(r) } });
      }
    }
    if (policyChange) {
      domainChildren.push({ resource_type: 'ChildSecurityPolicy', SecurityPolicy: { ...mergedForWrite(desired.policy, current.policy, ['rules']), ...(ruleChildren.length ? { children: ruleChildren } : {}) } });
    } else if (ruleChildren.length) {
      domainChildren.push({ resource_type: 'ChildResourceReference', id: policyId, target_type: 'SecurityPolicy', children: ruleChildren });
    }
  }

  if (changes.length === 0) return { changes, body: null };
  const children: NsxObject[] = [...services];
  if (domainChildren.length) children.push({ resource_type: 'ChildResourceReference', id: desired.domain, target_type: 'Domain', children: domainChildren });
  return { changes, body: { resource_type: 'Infra', children } };
}

/** "add 2 groups, 7 services; change rule k8s-api; remove rule old" */
export function describeChanges(changes: readonly DfwChange[]): string {
  if (changes.length === 0) return 'distributed firewall already as declared';
  const parts: string[] = [];
  for (const action of ['add', 'change', 'remove'] as const) {
    const of = changes.filter((c) => c.action === action);
    if (!of.length) continue;
    const kinds = (['group', 'service', 'policy', 'rule'] as const)
      .map((k) => of.filter((c) => c.kind === k))
      .filter((l) => l.length)
      .map((l) => (l.length <= 2 ? l.map((c) => `${c.kind} ${c.id}`).join(', ') : `${l.length} ${l[0]!.kind === 'policy' ? 'policies' : `${l[0]!.kind}s`}`));
    parts.push(`${action} ${kinds.join(', ')}`);
  }
  return parts.join('; ');
}
