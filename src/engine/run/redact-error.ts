/**
 * An error that ends a run does not pass through the event sinks: the CLI
 * prints it after the run. Every error leaving runPlaybooks comes through
 * here first, so it is redacted with the run's Redactor like the events:
 * its message, hint, location and stack, and those of the errors it holds
 * (ValidationErrors, AggregateError). In place, as the HTTP client scrubs
 * its errors: the error keeps its class, code and fields.
 */
import { TsplayError } from '../errors.js';
import type { Redactor } from '../secret.js';

export function redactError(e: unknown, redactor: Redactor): unknown {
  if (typeof e === 'string') return redactor.redact(e);
  if (!(e instanceof Error)) return e;
  const text = (s: string): string => redactor.redact(s);
  e.message = text(e.message);
  if (e.stack !== undefined) e.stack = text(e.stack);
  if (TsplayError.isInstance(e)) {
    if (e.hint !== undefined) (e as { hint: string | undefined }).hint = text(e.hint);
    const loc = e.location;
    if (loc) (e as { location: typeof loc }).location = { ...loc, file: text(loc.file), ...(loc.field !== undefined ? { field: text(loc.field) } : {}) };
  }
  const inner = (e as { errors?: unknown }).errors;
  if (Array.isArray(inner)) for (const x of inner) redactError(x, redactor);
  return e;
}
