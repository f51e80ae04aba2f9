/**
 * Validation of module arguments against the module's TypeBox `params` schema.
 *
 *  - `check(module, args)` at load time: the raw YAML arguments; unknown
 *    parameters (with did-you-mean), missing required ones, wrong types.
 *    Deferred values (`{{ ... }}`, secrets) pass for any type.
 *  - `compileModuleParams(module).validate(args, where)` at run time: the
 *    templated arguments, with ajv coercion ("8080" → 8080, "yes" → true) and
 *    schema defaults applied; throws ParseError/ValidationErrors with locations.
 *
 * Compiled validators are cached per module inside the ModuleParams instance
 * that compiled them; create one per run (no global cache).
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { ValidateFunction } from 'ajv';
import { ParseError, ValidationErrors, type SourceLocation, type TsplayError } from '../errors.js';
import { fieldPath } from '../yaml/load.js';
import { SchemaCompiler } from './schema-compiler.js';
import { clonePlain, coerceBooleanParams } from './coerce.js';
import { didYouMean } from './did-you-mean.js';
import { schemaIssues, type SchemaIssue } from './schema-issues.js';

/** What validation needs from a module: its schema, and a name for messages. */
export interface ParamsModule<P extends TSchema = TSchema> {
  readonly name?: string;
  readonly params: P;
  readonly freeForm?: string;
}

export interface CompiledParams<P extends TSchema = TSchema> {
  /** Validates (coercing and filling defaults) and returns the module's parameters. */
  validate(args: unknown, where: SourceLocation): Static<P>;
}

export const PARAM_ERROR_CODES = {
  'unknown-key': 'E_UNKNOWN_PARAM',
  'missing-key': 'E_MISSING_PARAM',
  type: 'E_PARAM_TYPE',
  exclusive: 'E_PARAM_CONFLICT',
  constraint: 'E_PARAM_INVALID',
} as const;

export class ModuleParams {
  // one compiled validator per schema serves the load-time check and the run
  // (compiling is most of a module's start-up cost); both validate a copy, so
  // the defaults it fills in never leak into the task's raw arguments
  readonly #schemas = new SchemaCompiler('params');
  readonly #runCache = new WeakMap<object, CompiledParams>();

  #validatorFor(params: TSchema): ValidateFunction {
    return this.#schemas.compile(params);
  }

  /** Load-time check of raw arguments; returns every issue (empty when valid). */
  check(module: ParamsModule, args: Readonly<Record<string, unknown>>): SchemaIssue[] {
    const issues = unknownParamIssues(module, args);
    const validate = this.#validatorFor(module.params);
    const data = clonePlain(coerceBooleanParams(module.params, args));
    if (!validate(data)) {
      for (const issue of schemaIssues(validate.errors, data)) if (issue.kind !== 'unknown-key') issues.push(issue);
    }
    return issues.map((i) => withParamWording(i, module));
  }

  /** The run-time validator of one module (compiled once, then cached). */
  compileModuleParams<P extends TSchema>(module: ParamsModule<P>): CompiledParams<P> {
    const cached = this.#runCache.get(module);
    if (cached) return cached as CompiledParams<P>;
    const validate = this.#validatorFor(module.params);
    const compiled: CompiledParams<P> = {
      validate: (args, where) => {
        if (args === null || typeof args !== 'object' || Array.isArray(args)) {
          throw new ParseError('E_PARAM_TYPE', `module '${module.name ?? '?'}' expects a mapping of parameters`, { location: where });
        }
        const data = clonePlain(coerceBooleanParams(module.params, args as Record<string, unknown>));
        if (validate(data)) return data;
        const issues = schemaIssues(validate.errors, data, { showValues: false }).map((i) => withParamWording(i, module));
        const errors: TsplayError[] = issues.map((i) => paramError(i, where));
        ValidationErrors.throwIfAny(errors);
        return data;
      },
    };
    this.#runCache.set(module, compiled);
    return compiled;
  }

  /** The executor's ParamsValidator port. */
  validate(module: ParamsModule, args: Readonly<Record<string, unknown>>, where: SourceLocation): Record<string, unknown> {
    return this.compileModuleParams(module).validate(args, where) as Record<string, unknown>;
  }
}

/** Keys not among the schema's properties (when the schema lists its properties and allows no others). */
function unknownParamIssues(module: ParamsModule, args: Readonly<Record<string, unknown>>): SchemaIssue[] {
  const schema = module.params as { properties?: Record<string, unknown>; additionalProperties?: unknown };
  if (!schema.properties || (schema.additionalProperties !== undefined && schema.additionalProperties !== false)) return [];
  const valid = Object.keys(schema.properties);
  return Object.keys(args)
    .filter((k) => !(k in schema.properties!))
    .map((key) => ({ kind: 'unknown-key' as const, path: [key], key, validKeys: valid, message: `unknown key '${key}'${didYouMean(key, valid)}` }));
}

function withParamWording(issue: SchemaIssue, module: ParamsModule): SchemaIssue {
  const name = module.name ?? 'module';
  if (issue.kind === 'unknown-key' && issue.key !== undefined) {
    return { ...issue, message: `unknown parameter '${issue.key}' for module '${name}'${didYouMean(issue.key, issue.validKeys ?? [])}` };
  }
  if (issue.kind === 'missing-key' && issue.key !== undefined && issue.path.length === 0) {
    return { ...issue, message: `module '${name}' is missing required parameter '${issue.key}'` };
  }
  if (issue.path.length === 0) return { ...issue, message: `module '${name}': ${issue.message}` };
  return issue;
}

/** One issue as an error at `where`, the field extended by the issue's path. */
export function paramError(issue: SchemaIssue, where: SourceLocation): ParseError {
  const field = fieldPath(issue.path, where.field ?? '');
  return new ParseError(PARAM_ERROR_CODES[issue.kind], issue.message, { location: { ...where, ...(field ? { field } : {}) } });
}
