/**
 * What a condition may be, decided without variables: it parses (jsep), and
 * every node is one the evaluator understands, every test after `is` and
 * every filter after `|` exists. The loader runs this on every condition
 * before any host is contacted; the evaluator parses through it too, so a
 * condition is refused the same way at load and at run time.
 */
import { TemplateError, type SourceLocation } from '../errors.js';
import { singleExpressionBody } from '../template/single-expression.js';
import { templateSyntaxProblem, type SyntaxProblem } from '../template/syntax.js';
import { FILTERS } from './filters.js';
import { parseExpression, type Node } from './parse.js';
import { TESTS } from './tests.js';

const UNARY = new Set(['not', '-', '+']);
const BINARY = new Set(['or', 'and', '==', '!=', 'in', 'not in', '<', '<=', '>', '>=', 'is', '+', '-', '~', '*', '/', '//', '%', '|']);

/** Parses a condition and checks it as above; throws a TemplateError saying what is wrong. */
export function parseCondition(text: string, where?: SourceLocation): Node {
  const node = parseExpression(text, where);
  let problem: string | undefined;
  try {
    problem = unsupported(node);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    problem = 'it nests too deeply';
  }
  if (problem) throw new TemplateError(`cannot parse condition '${short(text)}': ${problem}`, where ? { location: where } : {});
  return node;
}

/**
 * What is wrong with a condition as written in a playbook, or undefined when it is fine. A
 * condition inside `{{ }}` is checked as the expression inside; any other templated
 * condition is checked as a template (its text is only known once rendered).
 */
export function conditionSyntaxProblem(condition: string | boolean): SyntaxProblem | undefined {
  if (typeof condition === 'boolean') return undefined;
  let text = condition.trim();
  if (text === '') return { message: 'the condition is empty' };
  if (text.includes('{{')) {
    const single = singleExpressionBody(text);
    if (single === undefined) return templateSyntaxProblem(text);
    text = single;
  }
  try {
    parseCondition(text);
    return undefined;
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    return /[^=!<>]=[^=]/.test(text) ? { message: e.message, hint: "comparing is '==' (a single '=' assigns, which conditions cannot)" } : { message: e.message };
  }
}

function unsupported(node: Node): string | undefined {
  switch (node.type) {
    case 'Literal':
    case 'Identifier':
      return undefined;
    case 'ArrayExpression':
      return first((node.elements as (Node | null)[]).map((e) => (e ? unsupported(e) : 'an empty list item')));
    case 'MemberExpression':
      return unsupported(node.object as Node) ?? (node.computed ? unsupported(node.property as Node) : undefined);
    case 'UnaryExpression':
      if (!UNARY.has(node.operator as string)) return `unsupported operator '${node.operator as string}'`;
      return unsupported(node.argument as Node);
    case 'BinaryExpression': {
      const op = node.operator as string;
      if (!BINARY.has(op)) return `unsupported operator '${op}'`;
      const left = unsupported(node.left as Node);
      if (left) return left;
      if (op === 'is') return testProblem(node.right as Node);
      if (op === '|') return filterProblem(node.right as Node);
      return unsupported(node.right as Node);
    }
    case 'Compound':
      return 'two expressions side by side (a missing operator, or an `and`/`or` with nothing after it?)';
    case 'CallExpression':
      return 'function calls are not allowed (filters go after `|`: `x | length`)';
    case 'ThisExpression':
      return "'this' is not allowed";
    default:
      return `unsupported syntax (${node.type})`;
  }
}

function testProblem(right: Node): string | undefined {
  const test = right.type === 'UnaryExpression' && right.operator === 'not' ? (right.argument as Node) : right;
  if (test.type === 'Literal' && test.value === null) return undefined; // `is none`
  const name = test.type === 'Identifier' ? (test.name as string) : undefined;
  if (name !== undefined && Object.prototype.hasOwnProperty.call(TESTS, name)) return undefined;
  const what = name !== undefined ? `unknown test '${name}'` : "'is' must be followed by the name of a test";
  return `${what} (known: ${Object.keys(TESTS).join(', ')})`;
}

function filterProblem(right: Node): string | undefined {
  const callee = right.type === 'CallExpression' ? (right.callee as Node) : right;
  const name = callee.type === 'Identifier' ? (callee.name as string) : undefined;
  if (name === undefined || !Object.prototype.hasOwnProperty.call(FILTERS, name)) {
    const what = name !== undefined ? `unknown filter '${name}'` : "'|' must be followed by the name of a filter";
    return `${what} (known: ${Object.keys(FILTERS).join(', ')})`;
  }
  return right.type === 'CallExpression' ? first((right.arguments as Node[]).map(unsupported)) : undefined;
}

function first(problems: readonly (string | undefined)[]): string | undefined {
  return problems.find((p) => p !== undefined);
}

function short(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
