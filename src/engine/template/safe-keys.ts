/** Property names a template or condition may never read, whatever the object. */
import { TemplateError, type SourceLocation } from '../errors.js';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN.has(key);
}

export function assertAllowedKey(key: string, where?: SourceLocation): void {
  if (FORBIDDEN.has(key)) throw new TemplateError(`access to '${key}' is not allowed`, where ? { location: where } : {});
}

/** Own property only (no prototype chain), or `found: false`. Strings expose `length` and indexes. */
export function ownProperty(obj: unknown, key: string): { found: true; value: unknown } | { found: false } {
  if (obj === null || obj === undefined) return { found: false };
  if (typeof obj === 'string') {
    if (key === 'length') return { found: true, value: obj.length };
    if (/^\d+$/.test(key) && Number(key) < obj.length) return { found: true, value: obj[Number(key)] };
    return { found: false };
  }
  if (typeof obj !== 'object') return { found: false };
  if (obj instanceof Map) return obj.has(key) ? { found: true, value: obj.get(key) } : { found: false };
  if (!Object.prototype.hasOwnProperty.call(obj, key)) return { found: false };
  return { found: true, value: (obj as Record<string, unknown>)[key] };
}
