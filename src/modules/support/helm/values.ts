/**
 * Helm values as the change rule compares them. Desired values are the
 * values_files merged in order, then `values` over them (maps deep,
 * anything else replaced, as Helm merges several -f files); the release's
 * are what `helm get values -o json` prints (user-supplied only; `null` when
 * there are none). Both are normalised first, so nothing that Helm treats
 * alike reads as a change (kubernetes.core#565 and friends): `null` for no
 * values is {}, a map that is empty (after normalising) is the same as no
 * key, numbers compare by value (1 and 1.0), keys in any order. A `null`
 * inside stays: it removes a chart default, which no key does not.
 */
import { Secret } from '../../../engine/module.js';

export type Values = Record<string, unknown>;

export function isMap(v: unknown): v is Values {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Secret) && !Buffer.isBuffer(v);
}

/** b over a: maps merged key by key, anything else (lists too) replaced. */
export function mergeValues(a: Values, b: Values): Values {
  const out: Values = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isMap(v) && isMap(prev) ? mergeValues(prev, v) : v;
  }
  return out;
}

/** The values as compared: empty maps dropped, undefined dropped, Secrets revealed. */
export function normalise(v: unknown): unknown {
  if (v instanceof Secret) return v.reveal();
  if (Array.isArray(v)) return v.map(normalise);
  if (isMap(v)) {
    const out: Values = {};
    for (const k of Object.keys(v).sort()) {
      const n = normalise(v[k]);
      if (n === undefined || (isMap(n) && Object.keys(n).length === 0)) continue;
      out[k] = n;
    }
    return out;
  }
  return v;
}

/** The values as shown: what normalise drops (empty maps, undefined) dropped, Secrets kept. */
export function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (isMap(v)) {
    const out: Values = {};
    for (const [k, x] of Object.entries(v)) {
      const n = prune(x);
      if (n === undefined || (isMap(n) && Object.keys(n).length === 0)) continue;
      out[k] = n;
    }
    return out;
  }
  return v;
}

/** Release values from `helm get values -o json`: null (none) is {}. */
export function releaseValues(parsed: unknown): Values {
  return isMap(parsed) ? parsed : {};
}

export function sameValues(a: unknown, b: unknown): boolean {
  const x = normalise(a);
  const y = normalise(b);
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => sameValues(v, y[i]));
  if (isMap(x) && isMap(y)) {
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => k in y && sameValues(x[k], y[k]));
  }
  return x === y;
}

/** The clear values for helm's stdin: Secrets revealed (JSON is YAML, so `-f -` reads it). */
export function valuesDocument(v: Values): string {
  return JSON.stringify(normaliseSecrets(v));
}

function normaliseSecrets(v: unknown): unknown {
  if (v instanceof Secret) return v.reveal();
  if (Array.isArray(v)) return v.map(normaliseSecrets);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normaliseSecrets(x)]));
  return v;
}

export const MASKED = '********';

/**
 * The values as shown (diff, result): every desired value that is a secret masked, and the
 * value the release had at the same place masked too (a rotated password must not print its
 * old value). `isSecret` is the run's (ctx.isSecret).
 */
export function maskedPair(desired: unknown, current: unknown, isSecret: (v: unknown) => boolean): { after: unknown; before: unknown } {
  if (isSecret(desired)) {
    const same = current !== undefined && sameValues(desired, current);
    return { after: MASKED, before: current === undefined ? undefined : same ? MASKED : `${MASKED} (another value)` };
  }
  if (isMap(desired)) {
    const after: Values = {};
    const before: Values = {};
    const cur = isMap(current) ? current : undefined;
    for (const [k, v] of Object.entries(desired)) {
      const m = maskedPair(v, cur?.[k], isSecret);
      after[k] = m.after;
      if (cur && k in cur) before[k] = m.before;
    }
    if (cur) for (const [k, v] of Object.entries(cur)) if (!(k in desired)) before[k] = maskOwn(v, isSecret);
    return { after, before: cur ? before : current === undefined ? undefined : maskOwn(current, isSecret) };
  }
  if (Array.isArray(desired)) {
    const cur = Array.isArray(current) ? current : undefined;
    const pairs = desired.map((v, i) => maskedPair(v, cur?.[i], isSecret));
    const before = cur ? cur.map((v, i) => (i < pairs.length ? pairs[i]!.before : maskOwn(v, isSecret))) : current === undefined ? undefined : maskOwn(current, isSecret);
    return { after: pairs.map((p) => p.after), before };
  }
  return { after: desired, before: current === undefined ? undefined : maskOwn(current, isSecret) };
}

/** A value only the release has: its own secrets masked (those the run still knows). */
function maskOwn(v: unknown, isSecret: (v: unknown) => boolean): unknown {
  if (isSecret(v)) return MASKED;
  if (Array.isArray(v)) return v.map((x) => maskOwn(x, isSecret));
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskOwn(x, isSecret)]));
  return v;
}
