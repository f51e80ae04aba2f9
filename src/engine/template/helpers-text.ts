/** String and serialisation helpers: join, to_json, b64encode, indent, quote, upper, replace, ... */
import { stringify as toYaml } from 'yaml';
import { TemplateError } from '../errors.js';
import { quote } from '../transport/shell-quote.js';
import type { HelperContext, HelperTable } from './helper-spec.js';

function asList(v: unknown, helper: string): unknown[] {
  if (Array.isArray(v)) return v;
  throw new TemplateError(`${helper}: expected a list, got ${describe(v)}`);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
}

function indentText(text: string, width: number, first: boolean, blank: boolean): string {
  const pad = ' '.repeat(Math.max(0, width));
  return text
    .split('\n')
    .map((line, i) => ((i === 0 && !first) || (line.trim() === '' && !blank) ? line : pad + line))
    .join('\n');
}

function fromJson(ctx: HelperContext, v: unknown): unknown {
  try {
    return JSON.parse(ctx.text(v));
  } catch {
    // never echo the input: it may be a secret
    throw new TemplateError('from_json: the input is not valid JSON');
  }
}

export const textHelpers: HelperTable = {
  join: { fn: (ctx, [list, sep]) => asList(list, 'join').map((x) => ctx.text(x)).join(sep === undefined ? '' : ctx.text(sep)) },
  to_json: { fn: (ctx, [v]) => JSON.stringify(ctx.plain(v)) },
  to_nice_json: { fn: (ctx, [v, width]) => JSON.stringify(ctx.plain(v), null, typeof width === 'number' ? width : 4) },
  from_json: { fn: (ctx, [v]) => fromJson(ctx, v) },
  to_yaml: { fn: (ctx, [v]) => toYaml(ctx.plain(v)) },
  b64encode: { fn: (ctx, [v]) => Buffer.from(ctx.text(v), 'utf8').toString('base64') },
  b64decode: { fn: (ctx, [v]) => Buffer.from(ctx.text(v), 'base64').toString('utf8') },
  indent: {
    fn: (ctx, [text, width], hash) =>
      indentText(ctx.text(text), typeof width === 'number' ? width : 4, hash.first === true, hash.blank === true),
  },
  quote: { fn: (ctx, [v]) => quote(ctx.text(v)) },
  upper: { fn: (ctx, [v]) => ctx.text(v).toUpperCase() },
  lower: { fn: (ctx, [v]) => ctx.text(v).toLowerCase() },
  trim: { fn: (ctx, [v]) => ctx.text(v).trim() },
  replace: { fn: (ctx, [v, from, to]) => ctx.text(v).split(ctx.text(from)).join(to === undefined ? '' : ctx.text(to)) },
};
