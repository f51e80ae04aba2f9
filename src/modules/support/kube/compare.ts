/**
 * Would a server-side apply change an object? Compare the live object with
 * the server's dry run of the apply (shared/k8s-lifecycle-reference.md §4): the
 * dry run is what the real apply would store, so they differ exactly when the
 * real apply changes something. Left out of the comparison: what a dry run
 * makes up or a write always moves (resourceVersion, generation, the
 * managedFields times), never the fields themselves or their ownership, so a
 * field another manager owns that tsplay would take over still counts.
 *
 * Shown under --diff: the object without managedFields, resourceVersion,
 * generation, uid, creationTimestamp and status; a Secret's data as a hash.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../../engine/module.js';

type Json = unknown;

function stripMeta(meta: Readonly<Record<string, unknown>>, forDiff: boolean): Record<string, unknown> {
  const { resourceVersion: _rv, generation: _g, managedFields, uid, creationTimestamp, ...rest } = meta;
  if (forDiff) return rest;
  return {
    ...rest,
    ...(uid !== undefined ? { uid } : {}),
    ...(creationTimestamp !== undefined ? { creationTimestamp } : {}),
    ...(Array.isArray(managedFields) ? { managedFields: managedFields.map(({ time: _t, ...m }: Record<string, unknown>) => m) } : {}),
  };
}

/** The object as compared: without what a write or a dry run always moves. */
export function comparable(o: KubeObject): Json {
  return { ...o, metadata: stripMeta(o.metadata, false) };
}

/** The object as shown: its own fields only, a Secret's values hidden. */
export function shown(o: KubeObject): Record<string, unknown> {
  const { status: _s, ...rest } = o;
  const out: Record<string, unknown> = { ...rest, metadata: stripMeta(o.metadata, true) };
  if (o.kind === 'Secret' && o.apiVersion === 'v1') {
    for (const k of ['data', 'stringData'] as const) {
      const d = o[k];
      if (d && typeof d === 'object') out[k] = Object.fromEntries(Object.entries(d).map(([key, v]) => [key, hidden(v)]));
    }
  }
  return out;
}

/** `(hidden, sha256 1a2b3c4d…)`: enough to see that a value changed, nothing of the value. */
function hidden(v: unknown): string {
  return `(hidden, sha256 ${createHash('sha256').update(String(v)).digest('hex').slice(0, 12)}…)`;
}

/** Deep equality of JSON values (object key order does not matter). */
export function sameJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/** Does applying change the live object (the dry run is what the apply would store)? */
export function applyChanges(live: KubeObject, dryRun: KubeObject): boolean {
  return !sameJson(comparable(live), comparable(dryRun));
}
