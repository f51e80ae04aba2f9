/** Jinja filters usable after `|` in conditions: `x | length > 0`, `name | default('a') | upper`. */
import { TemplateError } from '../errors.js';
import { Secret } from '../secret.js';
import { MissingVariable, UndefinedValue } from '../template/undefined-value.js';
import { truthy } from '../template/truthy.js';

type Filter = (value: unknown, args: unknown[]) => unknown;

function plain(v: unknown): unknown {
  if (v instanceof UndefinedValue) throw new MissingVariable(v.path);
  return v instanceof Secret ? v.reveal() : v;
}

/** Ansible's `| bool`: yes/on/1/true (any case) are true; no/off/0/false and empty are false. */
export function toBool(v: unknown): boolean {
  const x = plain(v);
  if (typeof x === 'boolean') return x;
  if (typeof x === 'number') return x === 1;
  if (typeof x === 'string') return ['yes', 'on', '1', 'true', 'y', 't'].includes(x.trim().toLowerCase());
  return false;
}

function str(v: unknown, filter: string): string {
  const x = plain(v);
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  throw new TemplateError(`${filter}: expected a string`);
}

function seq(v: unknown, filter: string): string | unknown[] {
  const x = plain(v);
  if (typeof x === 'string' || Array.isArray(x)) return x;
  throw new TemplateError(`${filter}: expected a list or string`);
}

export const FILTERS: Readonly<Record<string, Filter>> = {
  bool: (v) => toBool(v),
  int: (v) => {
    const n = Number.parseInt(String(plain(v)), 10);
    return Number.isNaN(n) ? 0 : n;
  },
  float: (v) => {
    const n = Number.parseFloat(String(plain(v)));
    return Number.isNaN(n) ? 0 : n;
  },
  string: (v) => {
    const x = plain(v);
    return typeof x === 'string' ? x : x !== null && typeof x === 'object' ? JSON.stringify(x) : String(x);
  },
  length: (v) => {
    const x = plain(v);
    if (typeof x === 'string' || Array.isArray(x)) return x.length;
    if (x !== null && typeof x === 'object') return Object.keys(x).length;
    throw new TemplateError('length: expected a string, list or mapping');
  },
  lower: (v) => str(v, 'lower').toLowerCase(),
  upper: (v) => str(v, 'upper').toUpperCase(),
  trim: (v) => str(v, 'trim').trim(),
  first: (v) => seq(v, 'first')[0],
  last: (v) => {
    const s = seq(v, 'last');
    return s[s.length - 1];
  },
  join: (v, [sep]) => {
    const x = plain(v);
    if (!Array.isArray(x)) throw new TemplateError('join: expected a list');
    return x.map((i) => String(plain(i))).join(sep === undefined ? '' : String(plain(sep)));
  },
  default: (v, [fallback, orFalsy]) => (v instanceof UndefinedValue || (orFalsy === true && !truthy(v)) ? fallback : v),
};

/** Filters that receive an undefined value instead of failing on it. */
export const ACCEPTS_UNDEFINED = new Set(['default']);
