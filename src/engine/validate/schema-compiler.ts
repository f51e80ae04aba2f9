/**
 * Compiles JSON schemas to validators once per schema object, taking a
 * validator precompiled at build time when there is one. Compiling costs
 * 5-100 ms per schema (ajv generates code), which every run would otherwise
 * pay at start-up for the playbook's structure and each module it uses.
 */
import { createHash } from 'node:crypto';
import type { Ajv, ValidateFunction } from 'ajv';
import { AJV_PROFILES, createAjv, type AjvProfile } from './ajv-factory.js';
import { precompiled } from './precompiled.js';

/** The key of a precompiled validator: the profile and a hash of the schema's JSON. */
export function schemaKey(profile: AjvProfile, schema: object): string {
  return `${profile}:${createHash('sha1').update(JSON.stringify(schema)).digest('hex')}`;
}

export class SchemaCompiler {
  readonly #compiled = new WeakMap<object, ValidateFunction>();
  #ajv: Ajv | undefined;

  constructor(
    readonly profile: AjvProfile,
    private readonly table: Readonly<Record<string, ValidateFunction>> = precompiled,
  ) {}

  compile(schema: object): ValidateFunction {
    let validate = this.#compiled.get(schema);
    if (!validate) {
      validate = this.table[schemaKey(this.profile, schema)] ?? this.#instance().compile(schema);
      this.#compiled.set(schema, validate);
    }
    return validate;
  }

  /** ajv itself is created only when a schema was not precompiled */
  #instance(): Ajv {
    this.#ajv ??= createAjv(AJV_PROFILES[this.profile]);
    return this.#ajv;
  }
}
