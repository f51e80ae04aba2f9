/**
 * Turns ajv's raw errors into a short list of human issues:
 *  - `additionalProperties` → an unknown key, with the valid keys to suggest from;
 *  - `required` → a missing key;
 *  - `anyOf`/`oneOf` noise collapses: when the value's type fits exactly one
 *    branch, that branch's own errors are kept (they are precise); otherwise
 *    one "expected X or Y, got Z" replaces them all;
 *  - type/enum/const errors read "expected a list of strings, got a number".
 * Errors under a deferred value (templated string, secret) are dropped: those
 * are checked at run time.
 */
import type { ErrorObject } from 'ajv';
import { containsDeferred, isDeferred } from './deferred.js';
import { describeSchema, describeValue, jsonType, schemaAcceptsType } from './describe.js';
import { didYouMean } from './did-you-mean.js';

export type IssueKind = 'unknown-key' | 'missing-key' | 'type' | 'exclusive' | 'constraint';

export interface SchemaIssue {
  readonly kind: IssueKind;
  /** path of the offending value (for unknown-key: the key itself; for missing-key: the object) */
  readonly path: readonly (string | number)[];
  readonly message: string;
  /** unknown-key / missing-key: the key */
  readonly key?: string;
  /** unknown-key: keys that would have been valid */
  readonly validKeys?: readonly string[];
}

export interface IssueOptions {
  /** repeat short string values in messages (off for run-time values that may be secret) */
  readonly showValues?: boolean;
  /** accept deferred values (templates, secrets) for any type; default true */
  readonly acceptDeferred?: boolean;
}

export function schemaIssues(errors: readonly ErrorObject[] | null | undefined, root: unknown, opts: IssueOptions = {}): SchemaIssue[] {
  if (!errors?.length) return [];
  const kept = collapseAlternatives(errors);
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    const path = pointerPath(e.instancePath, root);
    const deferred = underDeferred(root, path) || (e.keyword !== 'required' && e.keyword !== 'additionalProperties' && containsDeferredAt(e));
    if (deferred && (opts.acceptDeferred ?? true)) continue;
    const issue = toIssue(e, path, opts.showValues ?? true);
    if (!issue) continue;
    const id = `${issue.kind}|${issue.path.join('/')}|${issue.key ?? ''}|${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(issue);
  }
  return issues;
}

function containsDeferredAt(e: ErrorObject): boolean {
  // alternatives and `not` can fail because of a deferred value somewhere inside
  if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'not') return containsDeferred(e.data);
  return isDeferred(e.data);
}

function collapseAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  let out = [...errors];
  const alternatives = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const alt of alternatives) {
    if (!out.includes(alt)) continue;
    const prefix = `${alt.schemaPath}/`;
    const inside = (e: ErrorObject): boolean => e.schemaPath.startsWith(prefix) && e.instancePath.startsWith(alt.instancePath);
    const branches = Array.isArray(alt.schema) ? (alt.schema as unknown[]) : [];
    const t = jsonType(alt.data);
    const fitting = branches.map((b, i) => (schemaAcceptsType(b, t) ? i : -1)).filter((i) => i >= 0);
    // a titled schema is one idea ("a boolean (true/false, yes/no)"): report it whole
    const titled = typeof (alt.parentSchema as { title?: unknown } | undefined)?.title === 'string';
    const only = fitting.length === 1 && !titled ? fitting[0] : undefined;
    const branchErrors = only === undefined ? [] : out.filter((e) => e.schemaPath.startsWith(`${prefix}${only}/`) && inside(e));
    if (only !== undefined && branchErrors.length > 0) {
      out = out.filter((e) => e !== alt && (!inside(e) || branchErrors.includes(e)));
    } else {
      out = out.filter((e) => !inside(e));
    }
  }
  return out;
}

function toIssue(e: ErrorObject, path: (string | number)[], showValues: boolean): SchemaIssue | undefined {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
      const validKeys = Object.keys(props);
      return { kind: 'unknown-key', path: [...path, key], key, validKeys, message: `unknown key '${key}'${didYouMean(key, validKeys)}` };
    }
    case 'required': {
      const key = String(params.missingProperty);
      return { kind: 'missing-key', path, key, message: `missing required key '${key}'` };
    }
    case 'not':
      return { kind: 'exclusive', path, message: exclusiveMessage(e) };
    case 'anyOf':
    case 'oneOf':
      return { kind: 'type', path, message: alternativesMessage(e, showValues) };
    case 'type':
    case 'enum':
    case 'const': {
      const expected = describeSchema(e.parentSchema);
      const hint = e.keyword === 'type' ? '' : enumHint(e);
      return { kind: 'type', path, message: `expected ${expected}, got ${describeValue(e.data, showValues)}${hint}` };
    }
    case 'pattern':
    case 'format': {
      const title = (e.parentSchema as { title?: unknown } | undefined)?.title;
      const expected = typeof title === 'string' ? title : `a string that ${e.message ?? 'matches the expected format'}`;
      return { kind: 'constraint', path, message: `expected ${expected}, got ${describeValue(e.data, showValues)}` };
    }
    default:
      return { kind: 'constraint', path, message: e.message ?? `fails '${e.keyword}'` };
  }
}

function enumHint(e: ErrorObject): string {
  const allowed = e.keyword === 'enum' ? (e.schema as unknown[]) : [e.schema];
  return typeof e.data === 'string' ? didYouMean(e.data, allowed.filter((a): a is string => typeof a === 'string')) : '';
}

function alternativesMessage(e: ErrorObject, showValues: boolean): string {
  const branches = Array.isArray(e.schema) ? (e.schema as Record<string, unknown>[]) : [];
  const requiredOnly = branches.length > 0 && branches.every((b) => Array.isArray(b.required) && Object.keys(b).length === 1);
  if (requiredOnly) {
    const keys = branches.flatMap((b) => b.required as string[]);
    return `needs one of ${keys.map((k) => `'${k}'`).join(', ')}`;
  }
  const consts = branches.map((b) => b.const).filter((c): c is string => typeof c === 'string');
  const hint = typeof e.data === 'string' && consts.length === branches.length ? didYouMean(e.data, consts) : '';
  return `expected ${describeSchema(e.parentSchema)}, got ${describeValue(e.data, showValues)}${hint}`;
}

function exclusiveMessage(e: ErrorObject): string {
  const inner = (e.schema as { anyOf?: { required?: string[] }[] } | undefined)?.anyOf ?? [];
  const data = e.data as Record<string, unknown> | undefined;
  for (const b of inner) {
    const keys = b.required ?? [];
    if (keys.length > 1 && data && keys.every((k) => k in data)) return `${keys.map((k) => `'${k}'`).join(' and ')} cannot be used together`;
  }
  return 'has a combination of keys that is not allowed';
}

/** `/tasks/3/copy` → ['tasks', 3, 'copy'] (numbers where the value is a list) */
export function pointerPath(pointer: string, root: unknown): (string | number)[] {
  if (!pointer) return [];
  const out: (string | number)[] = [];
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: string | number = Array.isArray(cur) && /^\d+$/.test(seg) ? Number(seg) : seg;
    out.push(key);
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[key] : undefined;
  }
  return out;
}

function underDeferred(root: unknown, path: readonly (string | number)[]): boolean {
  let cur: unknown = root;
  if (isDeferred(cur)) return true;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return false;
    cur = (cur as Record<string | number, unknown>)[seg];
    if (isDeferred(cur)) return true;
  }
  return false;
}
