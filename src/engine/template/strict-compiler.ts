/**
 * A Handlebars JavaScriptCompiler, installed on one private Handlebars
 * instance, that routes every variable lookup and every `{{ }}` output through
 * two hidden helpers:
 *
 *  - `{{a.b.c}}` and `@root.x` compile to `LOOKUP(base, kind, ["a","b","c"])`, so
 *    lookups are strict (an UndefinedValue, never `undefined`), own-property
 *    only, and lazy variables are rendered when read;
 *  - `{{x}}` appends `OUT(value, {})` instead of `escapeExpression(value)`: no HTML
 *    escaping, an undefined value throws, lists and maps print as JSON, Secrets
 *    reveal per the render mode.
 *
 * Handlebars' own `strict` option is not used: it throws before a helper
 * such as `default` can see the missing value.
 */
import type Handlebars from 'handlebars';

export const LOOKUP_HELPER = '\u0000lookup';
export const OUT_HELPER = '\u0000out';

/** 0: a path on the context (`a.b`, `this.a`, `../a`); 1: a data path (`@root.a`, `@index`). */
export type LookupKind = 0 | 1;

type CodeChunk = unknown;
interface CompilerInternals {
  replaceStack(fn: (current: CodeChunk) => CodeChunk[]): void;
  nameLookup(parent: string, name: string, type: string): CodeChunk;
  pushSource(source: CodeChunk): void;
  appendToBuffer(source: CodeChunk): CodeChunk;
  popStack(): CodeChunk;
}
type CompilerClass = new () => object;

export function installStrictCompiler(hb: typeof Handlebars): void {
  const env = hb as unknown as { JavaScriptCompiler: CompilerClass };
  const Base = env.JavaScriptCompiler;
  const baseProto = Base.prototype as { resolvePath(...args: unknown[]): void };

  class StrictCompiler extends Base {}
  const proto = StrictCompiler.prototype as unknown as CompilerInternals & {
    resolvePath(type: string, parts: string[], start: number, falsy: boolean, strict: boolean): void;
    appendEscaped(): void;
  };
  proto.resolvePath = function (this: CompilerInternals, type, parts, start, falsy, strict) {
    if (type !== 'context' && type !== 'data') return baseProto.resolvePath.call(this, type, parts, start, falsy, strict);
    if (start >= parts.length) return;
    const rest = JSON.stringify(parts.slice(start));
    const kind: LookupKind = type === 'data' ? 1 : 0;
    const fn = this.nameLookup('helpers', LOOKUP_HELPER, 'helper');
    // Handlebars wraps every helper and sets `lookupProperty` on its last argument: keep that a fresh array.
    this.replaceStack((current) => [', ', fn, '(', current, ', ', String(kind), ', ', rest, ')']);
  };
  proto.appendEscaped = function (this: CompilerInternals) {
    const fn = this.nameLookup('helpers', OUT_HELPER, 'helper');
    this.pushSource(this.appendToBuffer([fn, '(', this.popStack(), ', {})']));
  };
  // block bodies are compiled by `new this.compiler()`: make them strict too
  (proto as unknown as { compiler: CompilerClass }).compiler = StrictCompiler;
  env.JavaScriptCompiler = StrictCompiler;
}
