/**
 * Inventory errors that are not about a file's content (those are ParseErrors
 * with codes E_INVENTORY_*): a malformed host pattern and bad connection
 * variables.
 */
import { TsplayError, type SourceLocation } from '../errors.js';

/** A `hosts:` or `--limit` pattern that cannot be parsed (bad regex, lone `!`, bad subscript). */
export class HostPatternError extends TsplayError {
  readonly code = 'E_HOST_PATTERN';
  readonly pattern: string;
  constructor(pattern: string, message: string, opts: { location?: SourceLocation; hint?: string } = {}) {
    super(`host pattern '${pattern}': ${message}`, opts);
    this.pattern = pattern;
  }
}

/** Defined with the connection variables, which the transports read too. */
export { ConnectionVarError } from '../transport/connection-vars.js';
