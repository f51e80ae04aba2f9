/**
 * What is wrong with a template as written, decided without variables: it
 * must parse as Handlebars, name no forbidden key (`__proto__`...), use no
 * partials or decorators (there are none), give `#each`/`#with` their one
 * argument, and call only helpers that exist. The loader runs this on every
 * templated value of a playbook before any host is contacted, so such a
 * mistake is an input error with its place, not a failure halfway through.
 */
import Handlebars from 'handlebars';
import { TsplayError } from '../errors.js';
import { nearest } from '../validate/did-you-mean.js';
import { logicHelpers } from './helpers-logic.js';
import { textHelpers } from './helpers-text.js';
import { hasTemplate } from './lazy-vars.js';
import { assertSafeTemplate } from './template-ast.js';

export interface SyntaxProblem {
  readonly message: string;
  readonly hint?: string;
}

/** The helpers every Templar registers (see templar.ts), by name. */
export const HELPER_NAMES: readonly string[] = [...Object.keys(textHelpers), ...Object.keys(logicHelpers), 'each', 'with'];
const HELPERS = new Set(HELPER_NAMES);
/** block helpers that fail at run time without exactly one argument (tsplay's #if and #unless do not) */
const ONE_ARGUMENT = new Set(['each', 'with']);

export function templateSyntaxProblem(text: string): SyntaxProblem | undefined {
  if (!hasTemplate(text)) return undefined;
  let ast: ReturnType<typeof Handlebars.parse>;
  try {
    ast = Handlebars.parse(text);
  } catch (e) {
    return withJinjaHint(text, `template does not parse: ${describeParseError(e)}`);
  }
  try {
    assertSafeTemplate(ast, undefined);
  } catch (e) {
    if (TsplayError.isInstance(e)) return { message: e.message };
    throw e;
  }
  return structureProblem(ast);
}

/** The first templated string at or inside `value` that does not parse, with its path (for loaders that stop at the first error). */
export function findTemplateProblem(value: unknown): { readonly path: readonly (string | number)[]; readonly problem: SyntaxProblem } | undefined {
  const seen = new Set<object>();
  const walk = (v: unknown, path: (string | number)[]): { path: (string | number)[]; problem: SyntaxProblem } | undefined => {
    if (typeof v === 'string') {
      const problem = templateSyntaxProblem(v);
      return problem ? { path, problem } : undefined;
    }
    if (v === null || typeof v !== 'object' || seen.has(v)) return undefined;
    seen.add(v);
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (const [k, x] of entries) {
      const found = walk(x, [...path, k]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(value, []);
}

interface Node {
  readonly type: string;
  readonly [k: string]: unknown;
}

function structureProblem(ast: unknown): SyntaxProblem | undefined {
  let found: SyntaxProblem | undefined;
  const visit = (n: unknown): void => {
    if (found || n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const node = n as Node;
    switch (node.type) {
      case 'PartialStatement':
      case 'PartialBlockStatement':
        found = { message: 'partials (`{{> name}}`) are not supported in tsplay templates' };
        return;
      case 'Decorator':
      case 'DecoratorBlock':
        found = { message: 'decorators (`{{* name}}`) are not supported in tsplay templates' };
        return;
      case 'MustacheStatement':
      case 'SubExpression':
      case 'BlockStatement':
        found = callProblem(node);
        if (found) return;
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'loc' && typeof v === 'object') visit(v);
  };
  visit(ast);
  return found;
}

/** `{{name args}}`, `(name args)`, `{{#name args}}`: name must be a helper; the block helpers take one argument. */
function callProblem(node: Node): SyntaxProblem | undefined {
  const path = node.path as Node | undefined;
  if (path?.type !== 'PathExpression') return undefined;
  const parts = (path.parts as string[] | undefined) ?? [];
  const simple = parts.length === 1 && path.data !== true && path.depth === 0 && !/^(this\b|\.\/)/.test(String(path.original));
  if (!simple) return undefined;
  const name = parts[0]!;
  const args = ((node.params as unknown[] | undefined) ?? []).length;
  const hasHash = node.hash !== undefined;
  if (node.type === 'BlockStatement' && ONE_ARGUMENT.has(name) && (args !== 1 || hasHash)) {
    return { message: `'{{#${name}}}' takes one argument, got ${args}${hasHash ? ' and named ones' : ''}`, hint: `write {{#${name} x}}...{{/${name}}}` };
  }
  if ((args > 0 || hasHash) && !HELPERS.has(name)) {
    const near = nearest(name, HELPER_NAMES);
    return {
      message: `unknown helper '${name}'${near ? `; did you mean '${near}'?` : ''}`,
      hint: 'the helpers are listed in docs/templating.md; a variable is written alone: {{ name }}',
    };
  }
  return undefined;
}

const TOKENS: Readonly<Record<string, string>> = {
  EOF: 'the end of the text',
  CLOSE: "'}}'",
  CLOSE_UNESCAPED: "'}}}'",
  OPEN: "'{{'",
  OPEN_ENDBLOCK: "a closing '{{/...}}'",
  INVERSE: "'{{else}}'",
  OPEN_INVERSE_CHAIN: "'{{else ...}}'",
  EQUALS: "'='",
  CLOSE_BLOCK_PARAMS: "'|'",
  OPEN_BLOCK_PARAMS: "'as |'",
  OPEN_SEXPR: "'('",
  CLOSE_SEXPR: "')'",
  SEP: "'.' or '/'",
  ID: 'a name',
  STRING: 'a string',
  NUMBER: 'a number',
};

/** Handlebars' parser messages, said for a user: what was found where, not the grammar's token list. */
function describeParseError(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(raw);
  if (mismatch) return `'{{#${mismatch[1]}}}' is closed by '{{/${mismatch[2]}}}'`;
  const line = /Parse error on line (\d+)/.exec(raw)?.[1];
  const got = /got '(\w+)'/.exec(raw)?.[1];
  const expecting = /Expecting (.*), got/.exec(raw)?.[1] ?? '';
  const at = line !== undefined && line !== '1' ? ` (line ${line} of the value)` : '';
  if (got === 'EOF' && expecting.includes('OPEN_ENDBLOCK')) return `a block ('{{#...}}') is not closed${at}`;
  if (got === 'EOF') return `the text ends inside '{{ }}' (an unclosed '{{'?)${at}`;
  if (got === 'OPEN_ENDBLOCK') return `a closing '{{/...}}' has no opening '{{#...}}'${at}`;
  if (got === 'INVERSE') return `'{{else}}' outside '{{#if}}' or '{{#each}}'${at}`;
  if (got === 'INVALID') return `a character that cannot appear inside '{{ }}' (an unclosed '{{'?)${at}`;
  if (got !== undefined) return `unexpected ${TOKENS[got] ?? got}${at}`;
  return raw.split('\n')[0] ?? raw;
}

/** Jinja2 written in a Handlebars template: say how to translate it. */
function withJinjaHint(text: string, message: string): SyntaxProblem {
  const bodies = [...text.matchAll(/\{\{([\s\S]*?)\}\}/g)].map((m) => m[1] ?? '');
  if (bodies.some((b) => /(^|[^|])\|(?!\|)/.test(b) && !/\bas\s*\|/.test(b))) {
    return { message, hint: 'Jinja2 filters are Handlebars helpers here: {{ x | default(1) }} is {{default x 1}} (see docs/templating.md)' };
  }
  if (bodies.some((b) => /==|!=|<=|>=|\s(and|or|not|in|is)\s/.test(b))) {
    return { message, hint: 'comparisons and tests are helpers here: {{#if (eq a b)}}, {{#if (and x y)}} (see docs/templating.md)' };
  }
  if (text.includes('{%')) return { message, hint: '{% ... %} is Jinja2: use {{#if x}}...{{/if}} and {{#each list}}...{{/each}}' };
  return { message };
}
