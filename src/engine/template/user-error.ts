/** Turns whatever a render threw into a TsplayError with the expression and the location. */
import { TemplateError, TsplayError, UndefinedVariableError, type SourceLocation } from '../errors.js';
import type { Redactor } from '../secret.js';
import { MissingVariable } from './undefined-value.js';

export function userError(e: unknown, text: string, where: SourceLocation | undefined, redactor?: Redactor): TsplayError {
  if (e instanceof MissingVariable) {
    const snippet = expressionFor(text, e.path.replace(/^@/, '').split('.')[0] ?? e.path);
    return new UndefinedVariableError(e.path, snippet, locationOpt(where, text, snippet));
  }
  if (e instanceof TsplayError) {
    if (e.location || !(e instanceof TemplateError)) return e;
    const snippet = shorten(text);
    return new TemplateError(`${e.message} in '${snippet}'`, { ...locationOpt(where, text, snippet), cause: e });
  }
  const raw = e instanceof Error ? e.message : String(e);
  const message = (redactor ? redactor.redact(raw) : raw).split('\n')[0] ?? raw;
  return new TemplateError(`template error: ${message}`, { ...locationOpt(where, text, text), cause: e });
}

/** The `{{ ... }}` that mentions a name (or the start of the text). */
export function expressionFor(text: string, name: string): string {
  const word = new RegExp(`(^|[^\\w.@])(@root\\.)?@?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
  for (const m of text.matchAll(/\{\{[\s\S]*?\}\}/g)) if (word.test(m[0].slice(2, -2))) return shorten(m[0]);
  return shorten(text);
}

function shorten(s: string): string {
  const one = s.trim();
  return one.length > 120 ? `${one.slice(0, 117)}...` : one;
}

/** A template file has no line of its own: point at the line of the expression. */
function locationOpt(where: SourceLocation | undefined, text: string, snippet: string): { location?: SourceLocation } {
  if (!where) return {};
  if (where.line !== undefined) return { location: where };
  const at = text.indexOf(snippet);
  if (at < 0) return { location: where };
  return { location: { ...where, line: text.slice(0, at).split('\n').length } };
}
