/** Arithmetic, comparison, logic, collections, default/defined, lookup, and the block helpers if/unless/each/with. */
import type { HelperOptions } from 'handlebars';
import { TemplateError } from '../errors.js';
import { Secret } from '../secret.js';
import type { HelperContext, HelperTable } from './helper-spec.js';
import { describe } from './helpers-text.js';
import { truthy } from './truthy.js';
import { MissingVariable, UndefinedValue } from './undefined-value.js';

function num(v: unknown, helper: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (Number.isNaN(n)) throw new TemplateError(`${helper}: expected a number, got ${describe(v)}`);
  return n;
}

/** Values compare by content for Secrets (never printed), by value otherwise. */
function same(a: unknown, b: unknown): boolean {
  const x = a instanceof Secret ? a.reveal() : a;
  const y = b instanceof Secret ? b.reveal() : b;
  if (x === y) return true;
  if (typeof x === 'object' && typeof y === 'object' && x !== null && y !== null) return JSON.stringify(x) === JSON.stringify(y);
  return false;
}

function order(a: unknown, b: unknown, helper: string): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return num(a, helper) - num(b, helper);
}

function arith(fn: (a: number, b: number) => number, name: string): HelperTable[string] {
  return { fn: (_ctx, [a, b]) => fn(num(a, name), num(b, name)) };
}

/** `and`/`or` look at their arguments left to right and stop as Jinja does, so `and (defined x) x` never reads a missing x. */
function andHelper(_ctx: HelperContext, args: unknown[]): unknown {
  let last: unknown = true;
  for (const a of args) {
    if (a instanceof UndefinedValue) throw new MissingVariable(a.path);
    if (!truthy(a)) return a;
    last = a;
  }
  return last;
}

function orHelper(_ctx: HelperContext, args: unknown[]): unknown {
  let last: unknown = false;
  for (const a of args) {
    if (a instanceof UndefinedValue) throw new MissingVariable(a.path);
    if (truthy(a)) return a;
    last = a;
  }
  return last;
}

function length(v: unknown): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (v instanceof Secret) return v.reveal().length;
  if (v !== null && typeof v === 'object') return Object.keys(v).length;
  throw new TemplateError(`length: expected a string, list or mapping, got ${describe(v)}`);
}

function ends(v: unknown, which: 'first' | 'last'): unknown {
  if (typeof v !== 'string' && !Array.isArray(v)) throw new TemplateError(`${which}: expected a list or string, got ${describe(v)}`);
  return which === 'first' ? v[0] : v[v.length - 1];
}

const MAX_RANGE = 100_000;
function range(args: unknown[]): number[] {
  const [a, b, c] = args.map((x) => num(x, 'range'));
  const [start, end, step] = b === undefined ? [0, a ?? 0, 1] : [a ?? 0, b, c ?? 1];
  if (step === 0) throw new TemplateError('range: step must not be 0');
  const out: number[] = [];
  for (let i = start; step > 0 ? i < end : i > end; i += step) {
    if (out.length >= MAX_RANGE) throw new TemplateError(`range: more than ${MAX_RANGE} items`);
    out.push(i);
  }
  return out;
}

function lookup(ctx: HelperContext, [kind, arg]: unknown[]): unknown {
  if (kind === 'file') return ctx.readFile(ctx.text(arg));
  if (kind === 'env') return ctx.env(ctx.text(arg)) ?? '';
  if (typeof kind === 'string') throw new TemplateError(`lookup: unknown lookup '${kind}' (use "file" or "env")`);
  return ctx.property(kind, String(arg));
}

function block(options: HelperOptions, cond: boolean, context: unknown): unknown {
  return cond ? options.fn(context) : options.inverse(context);
}

export const logicHelpers: HelperTable = {
  default: {
    acceptsUndefined: true,
    // {{default x "fallback"}}; {{default x "fallback" true}} also replaces falsy values (Jinja's default(v, true))
    fn: (_ctx, [v, fallback, orFalsy]) => (v instanceof UndefinedValue || v === undefined || (orFalsy === true && !truthy(v)) ? fallback : v),
  },
  defined: { acceptsUndefined: true, fn: (_ctx, [v]) => !(v instanceof UndefinedValue) },
  undefined: { acceptsUndefined: true, fn: (_ctx, [v]) => v instanceof UndefinedValue },
  add: arith((a, b) => a + b, 'add'),
  sub: arith((a, b) => a - b, 'sub'),
  mul: arith((a, b) => a * b, 'mul'),
  div: arith((a, b) => {
    if (b === 0) throw new TemplateError('div: division by zero');
    return a / b;
  }, 'div'),
  mod: arith((a, b) => {
    if (b === 0) throw new TemplateError('mod: division by zero');
    return a % b;
  }, 'mod'),
  eq: { fn: (_ctx, [a, b]) => same(a, b) },
  ne: { fn: (_ctx, [a, b]) => !same(a, b) },
  lt: { fn: (_ctx, [a, b]) => order(a, b, 'lt') < 0 },
  le: { fn: (_ctx, [a, b]) => order(a, b, 'le') <= 0 },
  gt: { fn: (_ctx, [a, b]) => order(a, b, 'gt') > 0 },
  ge: { fn: (_ctx, [a, b]) => order(a, b, 'ge') >= 0 },
  and: { acceptsUndefined: true, fn: andHelper },
  or: { acceptsUndefined: true, fn: orHelper },
  not: { fn: (_ctx, [v]) => !truthy(v) },
  length: { fn: (_ctx, [v]) => length(v) },
  first: { fn: (_ctx, [v]) => ends(v, 'first') },
  last: { fn: (_ctx, [v]) => ends(v, 'last') },
  range: { fn: (_ctx, args) => range(args) },
  list: { fn: (_ctx, args) => [...args] },
  dict: { fn: (_ctx, _args, hash) => ({ ...hash }) },
  lookup: { fn: lookup },
  // `{{#if x}}` on an undefined x is false, like Jinja's `{% if x is defined and x %}`
  if: { acceptsUndefined: true, fn: (_ctx, [v], _h, options, self) => block(options, truthy(v), self) },
  unless: { acceptsUndefined: true, fn: (_ctx, [v], _h, options, self) => block(options, !truthy(v), self) },
};
