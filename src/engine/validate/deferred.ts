/**
 * Values whose real type is only known at run time: templated strings
 * (`"{{ port }}"`) and vault secrets. Load-time validation accepts them for
 * any type; the run-time validator checks the rendered value.
 */
import { Secret } from '../secret.js';

export function isTemplated(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}

export function isDeferred(value: unknown): boolean {
  return isTemplated(value) || Secret.isSecret(value);
}

/** Is any value at or inside `value` deferred? */
export function containsDeferred(value: unknown, seen = new Set<object>()): boolean {
  if (isDeferred(value)) return true;
  if (value === null || typeof value !== 'object' || seen.has(value)) return false;
  seen.add(value);
  return (Array.isArray(value) ? value : Object.values(value)).some((v) => containsDeferred(v, seen));
}
