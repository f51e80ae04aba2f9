/**
 * Parses Ansible-style conditions with jsep. jsep keeps its operator tables as
 * static fields of one class shared by every importer, and a plugin or
 * `addBinaryOp` call anywhere changes them for all. So this module never
 * edits them in place: for each parse it swaps in its own tables (and empty
 * plugin hooks), parses, and puts the previous tables back in `finally`.
 * Parsing is synchronous, so no other code can observe the swap. The only
 * state here is the constant operator table.
 */
import jsep from 'jsep';
import { TemplateError, type SourceLocation } from '../errors.js';

export type Node = jsep.Expression;

interface JsepStatics {
  binary_ops: Record<string, number>;
  unary_ops: Record<string, number>;
  literals: Record<string, unknown>;
  right_associative: Set<string>;
  max_binop_len: number;
  max_unop_len: number;
  hooks: object;
}
type JsepClass = JsepStatics & (new (expr: string) => { parse(): Node });
const Jsep = (jsep as unknown as { Jsep: JsepClass }).Jsep;

/** Operators and precedence as in Jinja: filters bind tightest, then arithmetic, tests, comparisons, not, and, or. */
const BINARY: Readonly<Record<string, number>> = {
  or: 1,
  and: 2,
  '==': 6,
  '!=': 6,
  in: 6,
  'not in': 6,
  '<': 7,
  '<=': 7,
  '>': 7,
  '>=': 7,
  is: 8,
  '+': 9,
  '-': 9,
  '~': 9,
  '*': 10,
  '/': 10,
  '//': 10,
  '%': 10,
  '|': 12,
};
const UNARY: Readonly<Record<string, number>> = { not: 1, '-': 1, '+': 1 };
const LITERALS: Readonly<Record<string, unknown>> = { true: true, false: false, True: true, False: false, null: null, None: null, none: null };

/** Operators that bind tighter than `not` in Jinja: `not a == b` is `not (a == b)`. */
const TIGHTER_THAN_NOT = new Set(Object.keys(BINARY).filter((op) => op !== 'and' && op !== 'or'));

const MAX_LENGTH = 10_000;

export function parseExpression(text: string, where?: SourceLocation): Node {
  const loc = where ? { location: where } : {};
  if (text.length > MAX_LENGTH) throw new TemplateError(`condition is longer than ${MAX_LENGTH} characters`, loc);
  const saved: JsepStatics = {
    binary_ops: Jsep.binary_ops,
    unary_ops: Jsep.unary_ops,
    literals: Jsep.literals,
    right_associative: Jsep.right_associative,
    max_binop_len: Jsep.max_binop_len,
    max_unop_len: Jsep.max_unop_len,
    hooks: Jsep.hooks,
  };
  try {
    Object.assign(Jsep, {
      binary_ops: { ...BINARY },
      unary_ops: { ...UNARY },
      literals: { ...LITERALS },
      right_associative: new Set<string>(),
      max_binop_len: 6,
      max_unop_len: 3,
      hooks: Object.create(null) as object,
    });
    return hoistNot(new Jsep(text).parse());
  } catch (e) {
    if (e instanceof RangeError) throw new TemplateError(`condition nests too deeply: '${short(text)}'`, loc);
    throw new TemplateError(`cannot parse condition '${short(text)}': ${(e as Error).message}`, loc);
  } finally {
    Object.assign(Jsep, saved);
  }
}

function short(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** jsep binds unary `not` tightest; Jinja binds it below comparisons, tests, `in` and filters. Rebuild bottom-up. */
function hoistNot(node: Node): Node {
  if (node.type !== 'BinaryExpression') {
    if (node.type === 'UnaryExpression') return { ...node, argument: hoistNot(node.argument as Node) };
    return node;
  }
  const left = hoistNot(node.left as Node);
  const right = hoistNot(node.right as Node);
  const op = node.operator as string;
  if (TIGHTER_THAN_NOT.has(op) && left.type === 'UnaryExpression' && left.operator === 'not') {
    return { type: 'UnaryExpression', operator: 'not', prefix: true, argument: hoistNot({ ...node, left: left.argument, right }) };
  }
  return { ...node, left, right };
}
