/**
 * Every error tsplay reports to a user is a TsplayError: a stable `code` from
 * the catalogue (error-codes.ts), the exit status the catalogue gives that
 * code, and where possible the source location it concerns. User errors never
 * print a stack trace; the CLI prints `format(err)`.
 */
import { ErrorCodes, type ErrorCode, type ParseErrorCode } from './error-codes.js';
import { ExitCode } from './exit-codes.js';

export { ErrorCodes, ExitCode, type ErrorCode, type ParseErrorCode } from './error-codes.js';

/** Where in a user's input something is. `field` is the dotted path inside the document. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly field?: string;
}

export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return '';
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  if (loc.field) s += ` (${loc.field})`;
  return s;
}

export abstract class TsplayError extends Error {
  abstract readonly code: ErrorCode;
  readonly location: SourceLocation | undefined;
  readonly hint: string | undefined;

  constructor(message: string, opts: { location?: SourceLocation | undefined; hint?: string | undefined; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.location = opts.location;
    this.hint = opts.hint;
  }

  /** The exit status a run stopped by this error ends with: the catalogue's, per code. */
  get exitCode(): ExitCode {
    // a subclass outside the catalogue (a project module's own) still ends as an error
    const entry = ErrorCodes[this.code] as (typeof ErrorCodes)[ErrorCode] | undefined;
    return entry?.exit ?? ExitCode.error;
  }

  /** One human line (or a few): `file:line:col (field): message` plus a hint. */
  format(): string {
    const where = formatLocation(this.location);
    const head = where ? `${where}: ${this.message}` : this.message;
    return this.hint ? `${head}\n  hint: ${this.hint}` : head;
  }

  static isInstance(e: unknown): e is TsplayError {
    return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && 'exitCode' in e && 'format' in e;
  }
}

/** Input that cannot be parsed or does not validate: nothing ran (exit 4). */
export class ParseError extends TsplayError {
  readonly code: ParseErrorCode;
  constructor(code: ParseErrorCode, message: string, opts: { location?: SourceLocation; hint?: string; cause?: unknown } = {}) {
    super(message, opts);
    this.code = code;
  }
}

/** Several input errors at once: validation reports everything it found. */
export class ValidationErrors extends TsplayError {
  readonly code = 'E_VALIDATION';
  readonly errors: readonly TsplayError[];
  constructor(errors: readonly TsplayError[]) {
    super(`${errors.length} error${errors.length === 1 ? '' : 's'} in the input`);
    this.errors = errors;
  }
  override format(): string {
    return this.errors.map((e) => e.format()).join('\n');
  }

  /** Throws if any errors were collected. */
  static throwIfAny(errors: readonly TsplayError[]): void {
    if (errors.length === 1) throw errors[0]!;
    if (errors.length > 1) throw new ValidationErrors(errors);
  }
}

/** Bad command-line options (exit 5). */
export class OptionsError extends TsplayError {
  readonly code = 'E_OPTIONS';
}

/** A template referred to a variable that is not defined. */
export class UndefinedVariableError extends TsplayError {
  readonly code = 'E_UNDEFINED_VAR';
  readonly variable: string;
  readonly expression: string;
  constructor(variable: string, expression: string, opts: { location?: SourceLocation } = {}) {
    super(`undefined variable '${variable}' in '${expression}'`, {
      ...opts,
      hint: `define '${variable}' (vars, group_vars, host_vars, -e) or use {{default ${variable} "..."}}`,
    });
    this.variable = variable;
    this.expression = expression;
  }
}

/** A template or condition that is malformed or fails while evaluating. */
export class TemplateError extends TsplayError {
  readonly code = 'E_TEMPLATE';
}

/** A module reported failure on a host. `result` is what gets registered. */
export class ModuleFailure extends TsplayError {
  readonly code = 'E_MODULE_FAILED';
  readonly result: Readonly<Record<string, unknown>>;
  constructor(message: string, result: Record<string, unknown> = {}, opts: { location?: SourceLocation } = {}) {
    super(message, opts);
    this.result = result;
  }
}

/** The host cannot be reached (refused, timeout, authentication, host key). */
/** The inventory, the play patterns and `--limit` leave no host to work on (ansible-playbook: exit 1). */
export class NoHostsError extends TsplayError {
  readonly code = 'E_NO_HOSTS';
}

export class UnreachableError extends TsplayError {
  readonly code = 'E_UNREACHABLE';
  readonly host: string;
  constructor(host: string, message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super(message, opts);
    this.host = host;
  }
}

/** Vault: wrong password, malformed vault data, missing password. */
export class VaultError extends TsplayError {
  readonly code = 'E_VAULT';
}

/** The run was interrupted (Ctrl-C). */
export class InterruptedError extends TsplayError {
  readonly code = 'E_INTERRUPTED';
}

/**
 * `format()` with the code after each error's message (`... [E_TYPE]`), as the CLI prints the
 * error it stops on; every error of a ValidationErrors on its own line(s).
 */
export function errorReport(e: TsplayError): string {
  const errors = (e as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.every((x) => TsplayError.isInstance(x))) return errors.map((x) => errorReport(x)).join('\n');
  const [head, ...rest] = e.format().split('\n');
  return [`${head} [${e.code}]`, ...rest].join('\n');
}
