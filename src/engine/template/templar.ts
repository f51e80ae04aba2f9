/**
 * The Templar renders `{{ }}` in playbook values and template files. One per
 * run: it owns a private Handlebars instance (helpers registered there, never
 * on the global one), a strict compiler (see strict-compiler.ts) and a compile
 * cache keyed by template text, so rendering the same string for many hosts
 * costs one compile.
 */
import Handlebars, { type HelperOptions } from 'handlebars';
import { TemplateError, type SourceLocation } from '../errors.js';
import { Secret, type Redactor } from '../secret.js';
import { copyLocation } from '../yaml/load.js';
import { rootFrame, type Frame, type Vars } from './frame.js';
import type { HelperContext, HelperSpec } from './helper-spec.js';
import { logicHelpers } from './helpers-logic.js';
import { textHelpers } from './helpers-text.js';
import { hasTemplate, isWalkable, LazyVars } from './lazy-vars.js';
import { singleExpressionBody } from './single-expression.js';
import { installStrictCompiler, LOOKUP_HELPER, OUT_HELPER } from './strict-compiler.js';
import { assertSafeTemplate } from './template-ast.js';
import { revealForOutput, toText } from './text.js';
import { MissingVariable, UndefinedValue } from './undefined-value.js';
import { userError } from './user-error.js';

export interface TemplarOptions {
  /** every Secret revealed into output is registered here */
  readonly redactor?: Redactor;
  /** `{{lookup "file" path}}`; without it, file lookups are an error */
  readonly lookupFile?: (path: string) => string;
  /** `{{lookup "env" NAME}}`; default: process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** compiled templates kept (default 10,000; the cache is emptied when full) */
  readonly cacheSize?: number;
}

const CAPTURE_HELPER = '\u0000capture';
type Compiled = (context: unknown) => string;
interface CaptureFrame extends Frame {
  captured?: unknown;
}

export class Templar {
  readonly #hb = Handlebars.create();
  readonly #cache = new Map<string, Compiled>();
  readonly #frames: CaptureFrame[] = [];
  readonly #opts: TemplarOptions;
  /** what every compiled template runs with (see #runtimeOptions) */
  #runtime: Record<string, unknown> = {};
  /** variable lookup with lazy rendering, shared with the condition evaluator */
  readonly vars: LazyVars;

  constructor(opts: TemplarOptions = {}) {
    this.#opts = opts;
    installStrictCompiler(this.#hb);
    this.vars = new LazyVars((text, frame) => this.#renderValueString(text, frame));
    this.#registerHelpers();
    this.#runtime = this.#runtimeOptions();
  }

  /** Deep render: strings inside objects and arrays; a single `{{ expr }}` keeps its value's type. Unchanged values are returned as is. */
  render(value: unknown, vars: Vars, where?: SourceLocation): unknown {
    if (typeof value === 'string') return hasTemplate(value) ? this.#renderValueString(value, rootFrame(vars, where, 'value')) : value;
    if (!isWalkable(value)) return value;
    if (Array.isArray(value)) {
      const out = value.map((v) => this.render(v, vars, where));
      return out.some((r, i) => r !== value[i]) ? copyLocation(value, out) : value;
    }
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value)) {
      const r = this.render(v, vars, where);
      if (r !== v) out ??= copyLocation(value, { ...value });
      if (out) out[k] = r;
    }
    return out ?? value;
  }

  /** A template file: always a string, never HTML-escaped; Secrets print as clear text and are registered with the Redactor. */
  renderString(text: string, vars: Vars, where?: SourceLocation): string {
    if (!hasTemplate(text)) return text;
    return this.#run(this.#compile(text, false, where), text, rootFrame(vars, where, 'text'));
  }

  /** Names the helpers this Templar knows (they shadow variables of the same name in `{{name}}`). */
  helperNames(): string[] {
    return Object.keys(this.#hb.helpers).filter((n) => !n.startsWith('\u0000'));
  }

  #renderValueString(text: string, frame: CaptureFrame): unknown {
    if (!hasTemplate(text)) return text;
    const single = singleExpressionBody(text) !== undefined;
    const out = this.#run(this.#compile(text, single, frame.where), text, frame);
    if (single) {
      const v = frame.captured;
      if (v instanceof UndefinedValue) throw userError(new MissingVariable(v.path), text, frame.where);
      return frame.revealedSecret && typeof v === 'string' ? new Secret(v) : v;
    }
    return frame.revealedSecret ? new Secret(out) : out;
  }

  #run(tpl: Compiled, text: string, frame: CaptureFrame): string {
    this.#frames.push(frame);
    try {
      return tpl(frame.vars);
    } catch (e) {
      throw userError(e, text, frame.where, this.#opts.redactor);
    } finally {
      this.#frames.pop();
    }
  }

  #compile(text: string, single: boolean, where: SourceLocation | undefined): Compiled {
    const key = single ? `\u0000${text}` : text;
    const hit = this.#cache.get(key);
    if (hit) return hit;
    let compiled: Compiled;
    try {
      const ast = this.#hb.parse(text);
      assertSafeTemplate(ast, where);
      const source = single ? this.#hb.parse(this.#captureSource(text)) : ast;
      preferVariablesOverHelpers(source, this.#hb.helpers);
      const template = this.#hb.compile(source, { strict: false, noEscape: false, preventIndent: true });
      const runtime = this.#runtime;
      compiled = (context) => template(context, { ...runtime, data: { root: context } });
    } catch (e) {
      throw userError(e, text, where, this.#opts.redactor);
    }
    if (this.#cache.size >= (this.#opts.cacheSize ?? 10_000)) this.#cache.clear();
    this.#cache.set(key, compiled);
    return compiled;
  }

  /** `{{ x }}` → `{{CAPTURE x}}`, `{{ default x 3 }}` → `{{CAPTURE (default x 3)}}`: the helper keeps the value, not its text. */
  #captureSource(text: string): string {
    const body = singleExpressionBody(text) as string;
    const stmt = this.#hb.parse(`{{${body}}}`).body[0] as { params?: unknown[]; hash?: unknown; path?: { type: string; original?: unknown } };
    const isCall = (stmt.params?.length ?? 0) > 0 || stmt.hash !== undefined || stmt.path?.type === 'SubExpression';
    return `{{[${CAPTURE_HELPER}] ${isCall ? `(${body})` : body}}}`;
  }

  /**
   * Handlebars re-wraps every registered helper on each top-level render
   * (about 15 µs with our ~45 helpers). Rendering in its "partial" mode with
   * the helpers and hooks given once avoids that; the wrapping only adds
   * `options.lookupProperty`, which none of our helpers use (the built-in
   * `lookup` that did is replaced). Null-prototype tables mean a helper or
   * partial lookup can never reach Object.prototype.
   */
  #runtimeOptions(): Record<string, unknown> {
    const all = this.#hb.helpers as Record<string, unknown>;
    const helpers = Object.create(null) as Record<string, unknown>;
    const hooks = Object.create(null) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(all)) {
      if (name === 'helperMissing' || name === 'blockHelperMissing') hooks[name] = fn;
      else helpers[name] = fn;
    }
    return { partial: true, helpers, hooks, partials: Object.create(null), decorators: Object.create(null) };
  }

  #frame(): CaptureFrame {
    const f = this.#frames[this.#frames.length - 1];
    if (!f) throw new TemplateError('template helper called outside a render');
    return f;
  }

  #registerHelpers(): void {
    const hb = this.#hb;
    const redactor = this.#opts.redactor;
    const ctx: HelperContext = {
      text: (v) => toText(v, this.#frame(), redactor),
      plain: (v) => revealForOutput(v, this.#frame(), redactor),
      readFile: (path) => {
        if (!this.#opts.lookupFile) throw new TemplateError('lookup "file": no file reader is configured');
        return this.#opts.lookupFile(path);
      },
      env: (name) => (this.#opts.env ?? process.env)[name],
      property: (obj, key) => this.vars.lookup(obj, [key], this.#frame()),
    };
    hb.unregisterHelper('log');
    for (const name of ['each', 'with']) {
      const builtin = hb.helpers[name] as (this: unknown, ...args: unknown[]) => unknown;
      hb.registerHelper(name, function (this: unknown, ...args: unknown[]) {
        for (const a of args) if (a instanceof UndefinedValue) throw new MissingVariable(a.path);
        return builtin.apply(this, args);
      });
    }
    for (const [name, spec] of Object.entries({ ...textHelpers, ...logicHelpers })) hb.registerHelper(name, adapt(spec, ctx));
    hb.registerHelper(LOOKUP_HELPER, (base: unknown, kind: unknown, parts: unknown) => {
      if (!Array.isArray(parts) || (kind !== 0 && kind !== 1)) throw new TemplateError('invalid variable lookup');
      const frame = this.#frame();
      const names = parts.map(String);
      if (kind === 0) return this.vars.lookup(base, names, frame);
      if (names[0] === 'root') return this.vars.lookup(frame.vars, names.slice(1), frame);
      return this.vars.lookup(base, names, frame, '@');
    });
    hb.registerHelper(OUT_HELPER, (value: unknown) => toText(value, this.#frame(), redactor));
    hb.registerHelper(CAPTURE_HELPER, (value: unknown) => {
      this.#frame().captured = value;
      return '';
    });
  }
}

/**
 * A bare `{{name}}` where `name` is also a helper (`list`, `range`, `first`,
 * `default`...) means the variable: none of our helpers is useful without
 * arguments. Rewriting the path as `this.name` makes Handlebars read the context.
 */
function preferVariablesOverHelpers(ast: unknown, helpers: Record<string, unknown>): void {
  const visit = (n: unknown): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const node = n as { type?: string; params?: unknown[]; hash?: unknown; path?: { type?: string; original?: unknown; data?: boolean; parts?: string[] } };
    if (node.type === 'MustacheStatement' && (node.params?.length ?? 0) === 0 && !node.hash) {
      const p = node.path;
      if (p?.type === 'PathExpression' && !p.data && p.parts?.length === 1 && typeof p.original === 'string' && p.original in helpers) {
        p.original = `this.${p.original}`;
      }
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'loc' && typeof v === 'object') visit(v);
  };
  visit(ast);
}

/** Handlebars calls a helper as `(...args, options)`; the spec wants `(ctx, args, hash, options, this)`. */
function adapt(spec: HelperSpec, ctx: HelperContext): Handlebars.HelperDelegate {
  return function (this: unknown, ...raw: unknown[]) {
    const options = raw.pop() as HelperOptions;
    const hash = (options as { hash?: Record<string, unknown> }).hash ?? {};
    if (!spec.acceptsUndefined) {
      for (const a of raw) if (a instanceof UndefinedValue) throw new MissingVariable(a.path);
      for (const a of Object.values(hash)) if (a instanceof UndefinedValue) throw new MissingVariable(a.path);
    }
    return spec.fn(ctx, raw, hash, options, this);
  };
}
