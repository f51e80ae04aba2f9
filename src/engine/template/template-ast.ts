/** Walks a parsed Handlebars template: every path it mentions, with what it is used as. */
import type Handlebars from 'handlebars';
import { TemplateError, type SourceLocation } from '../errors.js';
import { isForbiddenKey } from './safe-keys.js';

type Program = ReturnType<typeof Handlebars.parse>;

export interface PathUse {
  readonly parts: readonly string[];
  readonly data: boolean;
  /** `../` count */
  readonly depth: number;
  /** `this.x` or `./x` */
  readonly scoped: boolean;
  /** in helper position (`{{name args}}`, `(name ...)`, `{{#name}}`) */
  readonly asHelper: boolean;
  /** a bare `{{name}}`: a helper if one has that name, else a variable */
  readonly ambiguous: boolean;
  /** how many context-changing blocks (`#each`, `#with`) enclose it */
  readonly blockDepth: number;
  /** names bound by `as |x i|` block params around it */
  readonly blockParams: readonly string[];
}

interface Node {
  readonly type: string;
  readonly [k: string]: unknown;
}

const CONTEXT_CHANGING = new Set(['each', 'with']);

export function walkPaths(ast: Program, visit: (use: PathUse) => void): void {
  const walk = (n: unknown, blockDepth: number, params: readonly string[]): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach((x) => walk(x, blockDepth, params));
    const node = n as Node;
    switch (node.type) {
      case 'PathExpression':
        return visitPath(node, false, false, blockDepth, params, visit);
      case 'MustacheStatement':
      case 'SubExpression':
      case 'BlockStatement':
      case 'DecoratorBlock':
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const params_ = (node.params as unknown[] | undefined) ?? [];
        const hasArgs = params_.length > 0 || node.hash !== undefined;
        const path = node.path as Node | undefined;
        const isBlock = node.type === 'BlockStatement';
        if (path?.type === 'PathExpression') {
          const ambiguous = node.type === 'MustacheStatement' && !hasArgs;
          visitPath(path, !ambiguous, ambiguous, blockDepth, params, visit);
        } else walk(path, blockDepth, params);
        walk(params_, blockDepth, params);
        walk(node.hash, blockDepth, params);
        if (isBlock) {
          const name = path?.type === 'PathExpression' ? String(path.original) : '';
          const program = node.program as Node | undefined;
          const inner = CONTEXT_CHANGING.has(name) || !hasArgs ? blockDepth + 1 : blockDepth;
          const bp = (program?.blockParams as string[] | undefined) ?? [];
          walk(program, inner, [...params, ...bp]);
          walk(node.inverse, blockDepth, params);
        }
        return;
      }
      default:
        for (const [k, v] of Object.entries(node)) if (k !== 'loc' && typeof v === 'object') walk(v, blockDepth, params);
    }
  };
  walk(ast, 0, []);
}

function visitPath(
  node: Node,
  asHelper: boolean,
  ambiguous: boolean,
  blockDepth: number,
  blockParams: readonly string[],
  visit: (use: PathUse) => void,
): void {
  const original = String(node.original);
  visit({
    parts: (node.parts as string[] | undefined) ?? [],
    data: node.data === true,
    depth: typeof node.depth === 'number' ? node.depth : 0,
    scoped: /^(this\b|\.\/|\.$)/.test(original),
    asHelper,
    ambiguous,
    blockDepth,
    blockParams,
  });
}

/** Refuses templates that name `__proto__`, `constructor`, `prototype` or hidden (NUL-prefixed) names anywhere. */
export function assertSafeTemplate(ast: Program, where: SourceLocation | undefined): void {
  walkPaths(ast, (use) => {
    for (const p of use.parts) {
      if (isForbiddenKey(p) || p.includes('\u0000')) {
        throw new TemplateError(`access to '${p.replaceAll('\u0000', '\\0')}' is not allowed`, where ? { location: where } : {});
      }
    }
  });
}
