/**
 * Checks made once a request's writes are all in (so a hierarchical PATCH may create a group and a rule that
 * uses it in one body): every policy path an object refers to must exist and be of the right kind (NSX
 * validates paths: "The path=[...] is invalid"), JUMP_TO_APPLICATION only in the Environment category
 * (InlineNsxRule1), and nothing may still refer to an object this request deleted.
 */
import { ErrorCode, invalidRequest } from './errors.js';
import { fieldText, type Body } from './kinds.js';
import type { PolicyStore, StoredObject } from './store.js';
import type { Transaction } from './transaction.js';

interface Reference {
  readonly field: string;
  readonly path: string;
  /** kinds the target may be; undefined = any object the emulator knows */
  readonly kinds?: readonly string[];
}

const paths = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.startsWith('/')) : []);

function expressionRefs(items: unknown, at: string): Reference[] {
  if (!Array.isArray(items)) return [];
  return (items as Body[]).flatMap((e, i) => [
    ...paths(e['paths']).map((path) => ({ field: `${at}[${i}].paths`, path })),
    ...expressionRefs(e['expressions'], `${at}[${i}].expressions`),
  ]);
}

/** the policy paths an object refers to */
export function referencesOf(obj: StoredObject): Reference[] {
  const b = obj.body;
  switch (obj.kind) {
    case 'Group':
      return expressionRefs(b['expression'], 'expression');
    case 'SecurityPolicy':
      return paths(b['scope']).map((path) => ({ field: 'scope', path }));
    case 'Rule':
      return [
        ...paths(b['source_groups']).map((path) => ({ field: 'source_groups', path, kinds: ['Group'] })),
        ...paths(b['destination_groups']).map((path) => ({ field: 'destination_groups', path, kinds: ['Group'] })),
        ...paths(b['services']).map((path) => ({ field: 'services', path, kinds: ['Service'] })),
        ...paths(b['scope']).map((path) => ({ field: 'scope', path })),
        ...paths(b['profiles']).map((path) => ({ field: 'profiles', path })),
      ];
    case 'SegmentSecurityProfileBindingMap':
    case 'PortSecurityProfileBindingMap':
      return [
        ...paths([b['spoofguard_profile_path']]).map((path) => ({ field: 'spoofguard_profile_path', path, kinds: ['SpoofGuardProfile'] })),
        ...paths([b['segment_security_profile_path']]).map((path) => ({
          field: 'segment_security_profile_path', path, kinds: ['SegmentSecurityProfile'],
        })),
      ];
    default:
      return [];
  }
}

/** throws the 400 NSX would give for the request `tx` holds; silent when all is well */
export function checkIntegrity(tx: Transaction): void {
  const store: PolicyStore = tx.store;
  const problems: string[] = [];
  for (const path of tx.written) {
    const obj = store.get(path);
    if (!obj) continue;
    for (const ref of referencesOf(obj)) {
      const target = store.get(ref.path);
      if (!target || (ref.kinds && !ref.kinds.includes(target.kind))) {
        problems.push(`The path=[${ref.path}] in field '${ref.field}' of ${path} is invalid${target ? ` (it is a ${target.kind}, expected ${ref.kinds?.join(' or ')})` : ''}.`);
      }
    }
  }
  if (problems.length > 0) throw invalidRequest(problems, ErrorCode.invalidPath);

  const categoryProblems: string[] = [];
  for (const path of tx.written) {
    const obj = store.get(path);
    const rules = obj?.kind === 'Rule' ? [obj] : obj?.kind === 'SecurityPolicy' ? store.children(path, 'Rule') : [];
    for (const rule of rules) {
      const policy = store.get(rule.body['parent_path'] as string);
      if (rule.body['action'] === 'JUMP_TO_APPLICATION' && policy?.body['category'] !== 'Environment') {
        categoryProblems.push(`Rule ${rule.body['path'] as string}: action JUMP_TO_APPLICATION is only allowed in the Environment category (the policy's is ${fieldText(policy?.body['category'] ?? 'unset')}).`);
      }
    }
  }
  if (categoryProblems.length > 0) throw invalidRequest([...new Set(categoryProblems)], ErrorCode.invalidRule);

  if (tx.deleted.size === 0) return;
  const inUse: string[] = [];
  for (const [path, obj] of store.entries()) {
    for (const ref of referencesOf(obj)) {
      if (tx.deleted.has(ref.path)) {
        inUse.push(`Cannot delete ${ref.path}: it is referenced by ${path} (field '${ref.field}').`);
      }
    }
  }
  if (inUse.length > 0) throw invalidRequest(inUse, ErrorCode.referenced);
}
