/**
 * Evaluates a parsed condition against variables. A whitelist walk over the
 * jsep AST: no eval, no function calls, own properties only (through the
 * Templar's lazy lookup), `__proto__`/`constructor`/`prototype` refused.
 */
import { TemplateError } from '../errors.js';
import { Secret } from '../secret.js';
import type { Frame } from '../template/frame.js';
import type { LazyVars } from '../template/lazy-vars.js';
import { assertAllowedKey } from '../template/safe-keys.js';
import { truthy } from '../template/truthy.js';
import { MissingVariable, UndefinedValue } from '../template/undefined-value.js';
import { ACCEPTS_UNDEFINED, FILTERS } from './filters.js';
import type jsep from 'jsep';
import type { Node } from './parse.js';
import { TESTS, TESTS_ACCEPT_UNDEFINED } from './tests.js';

export interface EvalEnv {
  readonly lazy: LazyVars;
  readonly frame: Frame;
}

const MAX_DEPTH = 200;

function val(v: unknown): unknown {
  if (v instanceof UndefinedValue) throw new MissingVariable(v.path);
  return v instanceof Secret ? v.reveal() : v;
}

function equal(a: unknown, b: unknown): boolean {
  const x = val(a);
  const y = val(b);
  if (x === y) return true;
  if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object') return JSON.stringify(x) === JSON.stringify(y);
  return false;
}

function compare(a: unknown, b: unknown, op: string): boolean {
  const x = val(a);
  const y = val(b);
  const bothStrings = typeof x === 'string' && typeof y === 'string';
  if (!bothStrings && (typeof x !== 'number' || typeof y !== 'number')) {
    throw new TemplateError(`cannot compare ${typeof x} and ${typeof y} with '${op}'`);
  }
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

function contains(container: unknown, item: unknown): boolean {
  const c = val(container);
  const i = val(item);
  if (typeof c === 'string') return c.includes(String(i));
  if (Array.isArray(c)) return c.some((x) => equal(x, i));
  if (c !== null && typeof c === 'object') return Object.prototype.hasOwnProperty.call(c, String(i));
  throw new TemplateError(`'in' needs a string, list or mapping on its right`);
}

function num(v: unknown, op: string): number {
  const x = val(v);
  if (typeof x !== 'number') throw new TemplateError(`'${op}' needs numbers`);
  return x;
}

export function evaluate(node: Node, env: EvalEnv, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new TemplateError('condition nests too deeply');
  const ev = (n: unknown): unknown => evaluate(n as Node, env, depth + 1);
  switch (node.type) {
    case 'Literal':
      return node.value;
    case 'Identifier':
      return env.lazy.lookup(env.frame.vars, [node.name as string], env.frame);
    case 'ArrayExpression':
      return (node.elements as Node[]).map((e) => val(ev(e)));
    case 'MemberExpression':
      return member(ev(node.object), node, env, depth);
    case 'UnaryExpression': {
      const v = ev(node.argument);
      if (node.operator === 'not') return !truthy(val(v));
      return node.operator === '-' ? -num(v, '-') : num(v, '+');
    }
    case 'BinaryExpression':
      return binary(node, env, depth);
    default:
      throw new TemplateError(`unsupported syntax in condition: ${node.type}`);
  }
}

function member(object: unknown, node: Node, env: EvalEnv, depth: number): unknown {
  let key: string;
  if (node.computed) {
    const k = val(evaluate(node.property as Node, env, depth + 1));
    if (typeof k !== 'string' && typeof k !== 'number') throw new TemplateError('an index must be a string or a number');
    key = Array.isArray(object) && typeof k === 'number' && k < 0 ? String(object.length + k) : String(k);
  } else {
    key = (node.property as Node).name as string;
  }
  assertAllowedKey(key, env.frame.where);
  if (object instanceof UndefinedValue) return object.child(key);
  return env.lazy.lookup(object, [key], env.frame, pathOf(node.object as Node));
}

/** `a.b[0]` → `a.b.0`: the prefix used in undefined-variable messages. */
function pathOf(node: Node): string {
  if (node.type === 'Identifier') return node.name as string;
  if (node.type === 'MemberExpression') {
    const p = node.property as Node;
    const key = node.computed ? (p.type === 'Literal' ? String((p as jsep.Literal).value) : '?') : (p as jsep.Identifier).name;
    return `${pathOf(node.object as Node)}.${key}`;
  }
  return '?';
}

function binary(node: Node, env: EvalEnv, depth: number): unknown {
  const op = node.operator as string;
  const ev = (n: unknown): unknown => evaluate(n as Node, env, depth + 1);
  switch (op) {
    case 'and': {
      const l = val(ev(node.left));
      return truthy(l) ? val(ev(node.right)) : l;
    }
    case 'or': {
      const l = val(ev(node.left));
      return truthy(l) ? l : val(ev(node.right));
    }
    case 'is':
      return isTest(ev(node.left), node.right as Node);
    case '|':
      return filter(ev(node.left), node.right as Node, env, depth);
  }
  const l = ev(node.left);
  const r = ev(node.right);
  switch (op) {
    case '==':
      return equal(l, r);
    case '!=':
      return !equal(l, r);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(l, r, op);
    case 'in':
      return contains(r, l);
    case 'not in':
      return !contains(r, l);
    case '~':
      return String(val(l)) + String(val(r));
    case '+': {
      const [a, b] = [val(l), val(r)];
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      if (Array.isArray(a) && Array.isArray(b)) return [...(a as unknown[]), ...(b as unknown[])];
      return num(a, '+') + num(b, '+');
    }
    case '-':
      return num(l, op) - num(r, op);
    case '*':
      return num(l, op) * num(r, op);
    case '/':
      return num(l, op) / num(r, op);
    case '//':
      return Math.floor(num(l, op) / num(r, op));
    case '%':
      return num(l, op) % num(r, op);
  }
  throw new TemplateError(`unsupported operator '${op}'`);
}

function isTest(value: unknown, right: Node): boolean {
  let negate = false;
  let test = right;
  if (test.type === 'UnaryExpression' && test.operator === 'not') {
    negate = true;
    test = test.argument as Node;
  }
  const name = test.type === 'Identifier' ? (test.name as string) : test.type === 'Literal' && test.value === null ? 'none' : undefined;
  const fn = name === undefined || !Object.prototype.hasOwnProperty.call(TESTS, name) ? undefined : TESTS[name];
  if (!fn || name === undefined) throw new TemplateError(`unknown test after 'is' (known: ${Object.keys(TESTS).join(', ')})`);
  if (!TESTS_ACCEPT_UNDEFINED.has(name) && value instanceof UndefinedValue) throw new MissingVariable(value.path);
  return fn(value) !== negate;
}

function filter(value: unknown, right: Node, env: EvalEnv, depth: number): unknown {
  const callee = right.type === 'CallExpression' ? (right.callee as Node) : right;
  const name = callee.type === 'Identifier' ? (callee.name as string) : undefined;
  const fn = name === undefined || !Object.prototype.hasOwnProperty.call(FILTERS, name) ? undefined : FILTERS[name];
  if (!fn || name === undefined) throw new TemplateError(`unknown filter (known: ${Object.keys(FILTERS).join(', ')})`);
  const args = right.type === 'CallExpression' ? (right.arguments as Node[]).map((a) => val(evaluate(a, env, depth + 1))) : [];
  if (!ACCEPTS_UNDEFINED.has(name) && value instanceof UndefinedValue) throw new MissingVariable(value.path);
  return fn(value, args);
}
