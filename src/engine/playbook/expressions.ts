/**
 * Every condition and every template of a playbook is parsed at load, so one
 * that cannot work is reported with the other input errors, pointing at the
 * value (`file:line:column (tasks[3].when[1])`), before any host is
 * contacted. Conditions are the condition keywords and the module parameters
 * a module declares as conditions (`conditionParams`, e.g. assert's `that`);
 * every other string holding `{{` is a template. Values are only parsed here:
 * what they render to is known when they are used.
 */
import type { SourceLocation } from '../errors.js';
import { conditionSyntaxProblem } from '../expr/syntax.js';
import type { SyntaxProblem } from '../template/syntax.js';
import { templateSyntaxProblem } from '../template/syntax.js';
import { isMapping, type RawMap } from './keywords.js';
import { where, type LoadContext, type Segments } from './load-context.js';

/** The keywords whose values are conditions. */
export const CONDITION_KEYWORDS: readonly string[] = ['when', 'changed_when', 'failed_when', 'until'];

/**
 * The conditions and templates among a play's, block's or task's keywords; `skip` names keys
 * checked elsewhere (task lists, the module and its args, static file names).
 */
export function checkKeywordExpressions(ctx: LoadContext, raw: RawMap, file: string, segments: Segments, skip: readonly string[] = []): void {
  for (const key of Object.keys(raw)) {
    if (skip.includes(key)) continue;
    if (CONDITION_KEYWORDS.includes(key)) checkConditions(ctx, raw, [key], file, segments);
    else checkTemplates(ctx, raw, [key], file, segments);
  }
}

/** `container` at `path` is a condition or a list of them (anything else is the schema's business). */
export function checkConditions(ctx: LoadContext, container: unknown, path: Segments, file: string, segments: Segments): void {
  conditionsIn(ctx, valueAt(container, path), path, (at) => where(container, at, file, segments));
}

/** Every string holding `{{` at or inside `container` at `path` parses as a template. */
export function checkTemplates(ctx: LoadContext, container: unknown, path: Segments, file: string, segments: Segments): void {
  templatesIn(ctx, valueAt(container, path), path, (at) => where(container, at, file, segments));
}

/** Where a value at a path is reported. */
export type Locator = (path: Segments) => SourceLocation;

export function conditionsIn(ctx: LoadContext, value: unknown, path: Segments, locate: Locator): void {
  const list = Array.isArray(value) ? value.map((c, i) => [c, [...path, i]] as const) : [[value, path] as const];
  for (const [condition, at] of list) {
    if (typeof condition !== 'string') continue;
    const problem = conditionSyntaxProblem(condition);
    if (problem) report(ctx, 'E_CONDITION_SYNTAX', problem, locate(at));
  }
}

export function templatesIn(ctx: LoadContext, value: unknown, path: Segments, locate: Locator): void {
  const seen = new Set<object>();
  const walk = (v: unknown, at: Segments): void => {
    if (typeof v === 'string') {
      const problem = templateSyntaxProblem(v);
      if (problem) report(ctx, 'E_TEMPLATE_SYNTAX', problem, locate(at));
      return;
    }
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i]));
    else if (isMapping(v)) for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
  };
  walk(value, path);
}

function valueAt(container: unknown, path: Segments): unknown {
  let cur = container;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

function report(ctx: LoadContext, code: 'E_CONDITION_SYNTAX' | 'E_TEMPLATE_SYNTAX', problem: SyntaxProblem, location: SourceLocation): void {
  ctx.error(code, problem.message, location, problem.hint);
}
