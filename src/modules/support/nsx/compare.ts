/**
 * Comparing what is declared with what NSX holds. The declared object names
 * every field the module manages (defaults written out), so the comparison
 * looks only at those: fields the server adds or manages (`_revision`,
 * `path`, `_create_time`, `rule_id`, defaults it fills in, ...) never make a
 * difference. Lists that NSX treats as sets (IP addresses, group paths,
 * ports, scope) compare without order; other lists (a group's expression)
 * element by element.
 */
import type { NsxObject } from './api.js';

/** Fields NSX manages itself: never compared, never sent back. */
export const SERVER_MANAGED = new Set([
  '_revision',
  '_create_time',
  '_create_user',
  '_last_modified_time',
  '_last_modified_user',
  '_protection',
  '_system_owned',
  '_links',
  '_schema',
  '_self',
  'path',
  'parent_path',
  'relative_path',
  'unique_id',
  'realization_id',
  'marked_for_delete',
  'overridden',
  'origin_site_id',
  'owner_id',
  'remote_path',
  'rule_id',
  'is_default',
  'internal_sequence_number',
  'rule_count',
  'lock_modified_by',
  'lock_modified_time',
  'state',
  'reference',
  'team_ids',
  'children',
]);

/** Lists whose order means nothing to NSX. */
export const SET_FIELDS = new Set([
  'ip_addresses',
  'paths',
  'source_groups',
  'destination_groups',
  'services',
  'scope',
  'destination_ports',
  'source_ports',
  'profiles',
  'external_ids',
]);

const canon = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

/** Does `current` hold every field of `desired` with the same value? Extra fields in `current` are ignored. */
export function covers(desired: unknown, current: unknown, key?: string): boolean {
  if (desired === undefined) return true;
  if (Array.isArray(desired)) {
    const cur = current === undefined ? [] : current;
    if (!Array.isArray(cur) || cur.length !== desired.length) return false;
    if (key !== undefined && SET_FIELDS.has(key)) {
      const a = desired.map(canon).sort();
      const b = cur.map((x) => canon(x)).sort();
      return a.every((x, i) => x === b[i]);
    }
    return desired.every((d, i) => covers(d, cur[i]));
  }
  if (desired !== null && typeof desired === 'object') {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return false;
    const c = current as NsxObject;
    return Object.entries(desired).every(([k, v]) => covers(v, c[k], k));
  }
  return desired === current;
}

/** The fields of `desired` whose values `current` does not hold. */
export function differingFields(desired: NsxObject, current: NsxObject): string[] {
  return Object.keys(desired).filter((k) => !covers(desired[k], current[k], k));
}

/**
 * `current` seen through `desired`'s fields only, at every level (an
 * expression's server-given `id` and `path` are not shown): the "before"
 * of a diff.
 */
export function projectOnto(desired: NsxObject, current: NsxObject): NsxObject {
  const out: NsxObject = {};
  for (const k of Object.keys(desired)) if (current[k] !== undefined) out[k] = project(desired[k], current[k], k);
  return out;
}

function project(desired: unknown, current: unknown, key: string): unknown {
  if (Array.isArray(desired) && Array.isArray(current)) {
    if (SET_FIELDS.has(key)) return current;
    return current.map((c, i) => (isObject(desired[i]) && isObject(c) ? projectOnto(desired[i] as NsxObject, c as NsxObject) : withoutServerFields(c)));
  }
  if (isObject(desired) && isObject(current)) return projectOnto(desired as NsxObject, current as NsxObject);
  return withoutServerFields(current);
}

const isObject = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A value with the server-managed fields removed at every level. */
export function withoutServerFields(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutServerFields);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => !SERVER_MANAGED.has(k)).map(([k, x]) => [k, withoutServerFields(x)]));
}

/**
 * The complete object to send for an update (PATCH on a policy or rule is a
 * full replace): what NSX holds, minus what it manages, with the declared
 * fields over it, and the `_revision` that was read so a concurrent change
 * gives 412 instead of being overwritten. `omit`: fields of `current` not to
 * send back (a policy's embedded `rules`, written as children instead).
 */
export function mergedForWrite(desired: NsxObject, current: NsxObject | null, omit: readonly string[] = []): NsxObject {
  if (!current) return { ...desired };
  const kept = Object.fromEntries(Object.entries(current).filter(([k]) => !SERVER_MANAGED.has(k) && !omit.includes(k)));
  const rev = current['_revision'];
  return { ...kept, ...desired, ...(typeof rev === 'number' ? { _revision: rev } : {}) };
}
