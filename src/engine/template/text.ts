/** How values print into a string template. */
import { containsSecret, revealDeep, Secret, type Redactor } from '../secret.js';
import type { Frame } from './frame.js';
import { MissingVariable, UndefinedValue } from './undefined-value.js';

/** Clear text of a value for output; a Secret inside is revealed, noted on the frame and registered. */
export function revealForOutput(v: unknown, frame: Frame, redactor: Redactor | undefined): unknown {
  if (v instanceof UndefinedValue) throw new MissingVariable(v.path);
  if (v instanceof Secret) {
    frame.revealedSecret = true;
    redactor?.add(v);
    return v.reveal();
  }
  if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v) && containsSecret(v)) {
    frame.revealedSecret = true;
    redactor?.addAll(v);
    return revealDeep(v);
  }
  return v;
}

/** `{{x}}` output: strings as they are, lists and maps as JSON, null as nothing, never HTML-escaped. */
export function toText(v: unknown, frame: Frame, redactor: Redactor | undefined): string {
  const value = revealForOutput(v, frame, redactor);
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'object') {
    const html = (value as { toHTML?: unknown }).toHTML;
    // a Handlebars SafeString: its text
    if (typeof html === 'function') return (value as { toString(): string }).toString();
    return JSON.stringify(value);
  }
  // what is left are numbers, booleans and bigints (functions and symbols never reach a template)
  const scalar = value as number | boolean | bigint;
  return String(scalar);
}
