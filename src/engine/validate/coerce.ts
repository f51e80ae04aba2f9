/**
 * Ansible-style value coercion ajv does not do: YAML 1.2 reads `yes`/`no`/`on`/
 * `off` as strings, and templates render booleans as "True"/"False". For a
 * parameter whose schema takes a boolean but not a string, such strings become
 * booleans. Returns a shallow copy; the input is never changed.
 */
import { schemaAcceptsType } from './describe.js';

const TRUE = new Set(['yes', 'true', 'on', 'y', '1']);
const FALSE = new Set(['no', 'false', 'off', 'n', '0']);

/** `"yes"` → true, `"off"` → false, anything else → undefined */
export function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

export function coerceBooleanParams(schema: unknown, args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  const out: Record<string, unknown> = { ...args };
  if (!props) return out;
  for (const [key, value] of Object.entries(args)) {
    const prop = props[key];
    if (typeof value !== 'string' || prop === undefined) continue;
    if (!schemaAcceptsType(prop, 'boolean') || schemaAcceptsType(prop, 'string')) continue;
    const b = parseBoolean(value);
    if (b !== undefined) out[key] = b;
  }
  return out;
}

/** Deep copy of plain objects and arrays; anything else (Secret, Buffer) is kept by reference. */
export function clonePlain<T>(value: T): T {
  if (Array.isArray(value)) return (value as unknown[]).map((v) => clonePlain(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = clonePlain(v);
    return out as T;
  }
  return value;
}
