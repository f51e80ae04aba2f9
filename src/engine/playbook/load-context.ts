/**
 * State of one load: the options, the errors collected so far (everything is
 * validated and every error reported at once), and helpers to read files and
 * to check a value against a schema with located, human errors.
 */
import type { TSchema } from '@sinclair/typebox';
import { ParseError, TsplayError, ValidationErrors, type ParseErrorCode, type SourceLocation } from '../errors.js';
import { fieldPath, loadYamlFile, locatePath } from '../yaml/load.js';
import { SchemaCompiler } from '../validate/schema-compiler.js';
import { ModuleParams } from '../validate/module-params.js';
import { schemaIssues, type IssueKind } from '../validate/schema-issues.js';
import type { LoadOptions, ModuleLookup } from './load-options.js';

export type Segments = readonly (string | number)[];

/** Error codes for schema issues, per kind. */
export const SCHEMA_ERROR_CODES: Record<IssueKind, ParseErrorCode> = {
  'unknown-key': 'E_UNKNOWN_KEY',
  'missing-key': 'E_MISSING_KEY',
  type: 'E_TYPE',
  exclusive: 'E_CONFLICT',
  constraint: 'E_INVALID_VALUE',
};

export class LoadContext {
  readonly modules: ModuleLookup;
  readonly params: ModuleParams;
  readonly rolesPath: readonly string[];
  readonly #readYaml: (file: string) => unknown;
  readonly #errors: TsplayError[] = [];
  readonly #schemas = new SchemaCompiler('schema');

  constructor(opts: LoadOptions) {
    this.modules = opts.modules;
    this.params = opts.params ?? new ModuleParams();
    this.rolesPath = opts.rolesPath ?? [];
    this.#readYaml = opts.readYaml ?? ((file: string) => loadYamlFile(file));
  }

  get errorCount(): number {
    return this.#errors.length;
  }

  add(error: TsplayError): void {
    this.#errors.push(error);
  }

  error(code: ParseErrorCode, message: string, location: SourceLocation, hint?: string): void {
    this.add(new ParseError(code, message, { location, ...(hint ? { hint } : {}) }));
  }

  /** Reads a YAML file; a syntax or read error is recorded and `undefined` returned. */
  read(file: string): { value: unknown } | undefined {
    try {
      return { value: this.#readYaml(file) };
    } catch (e) {
      if (TsplayError.isInstance(e)) {
        if (e instanceof ValidationErrors) e.errors.forEach((x) => this.add(x));
        else this.add(e);
        return undefined;
      }
      throw e;
    }
  }

  /**
   * Validates `value` (found at `segments` inside `container`'s file) against
   * `schema`; records each issue and returns whether it was valid.
   */
  check(schema: TSchema, value: unknown, file: string, segments: Segments, codes: Partial<Record<IssueKind, ParseErrorCode>> = {}): boolean {
    const validate = this.#schemas.compile(schema);
    if (validate(value)) return true;
    // keywords are not templated at load: `become: "{{ x }}"` is reported, not skipped
    const issues = schemaIssues(validate.errors, value, { acceptDeferred: false });
    for (const issue of issues) {
      const path = issue.kind === 'missing-key' && issue.key !== undefined ? [...issue.path, issue.key] : issue.path;
      // a missing key has no position of its own: point at the object, name the key in the field
      const location = { ...where(value, issue.path, file, segments), field: fieldPath(path, fieldPath(segments)) };
      this.error(codes[issue.kind] ?? SCHEMA_ERROR_CODES[issue.kind], issue.message, location);
    }
    return issues.length === 0;
  }

  /** Throws everything collected (nothing when clean). */
  throwIfErrors(): void {
    ValidationErrors.throwIfAny(sortByPosition(this.#errors));
  }
}

/** Location of `path` inside `value`, which sits at `segments` in `file`. */
export function where(value: unknown, path: Segments, file: string, segments: Segments = []): SourceLocation {
  const prefix = fieldPath(segments);
  const loc = locatePath(value, path, prefix);
  if (loc) return loc;
  const field = fieldPath(path, prefix);
  return { file, ...(field ? { field } : {}) };
}

function sortByPosition(errors: readonly TsplayError[]): TsplayError[] {
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const id = `${e.code}|${e.location?.file}|${e.location?.line}|${e.location?.column}|${e.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  // stable: by file order of first appearance, then line, then column
  const fileOrder = new Map<string, number>();
  unique.forEach((e) => {
    const f = e.location?.file ?? '';
    if (!fileOrder.has(f)) fileOrder.set(f, fileOrder.size);
  });
  return unique
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const fa = fileOrder.get(a.e.location?.file ?? '') ?? 0;
      const fb = fileOrder.get(b.e.location?.file ?? '') ?? 0;
      if (fa !== fb) return fa - fb;
      const la = a.e.location?.line ?? 0;
      const lb = b.e.location?.line ?? 0;
      if (la !== lb) return la - lb;
      return (a.e.location?.column ?? 0) - (b.e.location?.column ?? 0) || a.i - b.i;
    })
    .map((x) => x.e);
}
