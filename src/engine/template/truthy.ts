/**
 * Truth as Jinja (and so Ansible) sees it: false, null, 0, '', an empty list
 * and an empty mapping are false; an undefined value is false (as in
 * `if x is defined and x`); everything else, including a Secret, is true.
 */
import { Secret } from '../secret.js';
import { UndefinedValue } from './undefined-value.js';

export function truthy(v: unknown): boolean {
  if (v instanceof UndefinedValue || v === null || v === undefined) return false;
  if (v instanceof Secret) return true;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Buffer.isBuffer(v) ? v.length > 0 : v instanceof Map ? v.size > 0 : Object.keys(v).length > 0;
  return Boolean(v);
}
