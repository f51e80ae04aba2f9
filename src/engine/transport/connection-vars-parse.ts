/**
 * Reading a transport's own connection variables (ssh's, http's): a setting
 * is read from its names in order and the first that is set wins; its value
 * must have the setting's type, else a ConnectionVarError names the variable.
 */
import { ConnectionVarError } from '../inventory/errors.js';
import { Secret } from '../secret.js';

type Vars = Readonly<Record<string, unknown>>;

/** A variable that is set, and the name it was found under. */
export interface SetVar {
  readonly name: string;
  readonly value: unknown;
}

/** The first of `names` that is set (not undefined or null). */
export function firstSet(vars: Vars, names: readonly string[]): SetVar | undefined {
  for (const name of names) {
    const value = vars[name];
    if (value !== undefined && value !== null) return { name, value };
  }
  return undefined;
}

/** A plain or secret string (secrets revealed: the transport needs the clear text to connect). */
export function stringValue(host: string, v: SetVar): string {
  if (v.value instanceof Secret) return v.value.reveal();
  if (typeof v.value === 'string' || typeof v.value === 'number') return String(v.value);
  throw new ConnectionVarError(host, `${v.name} must be a string`);
}

export function boolValue(host: string, v: SetVar): boolean {
  if (typeof v.value === 'boolean') return v.value;
  if (typeof v.value === 'string' && /^(true|yes|on|1)$/i.test(v.value)) return true;
  if (typeof v.value === 'string' && /^(false|no|off|0)$/i.test(v.value)) return false;
  throw new ConnectionVarError(host, `${v.name} must be true or false, found ${JSON.stringify(v.value)}`);
}

/** A number (or its text) of at least `min`, and whole when `integer`. */
export function numberValue(host: string, v: SetVar, opts: { min: number; integer?: boolean }): number {
  const n = typeof v.value === 'number' ? v.value : typeof v.value === 'string' && v.value.trim() !== '' ? Number(v.value) : NaN;
  if (!Number.isFinite(n) || n < opts.min || (opts.integer && !Number.isInteger(n))) {
    throw new ConnectionVarError(host, `${v.name} must be ${opts.integer ? 'an integer' : 'a number'} >= ${opts.min}, found ${JSON.stringify(v.value)}`);
  }
  return n;
}
