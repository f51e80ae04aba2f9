/**
 * Builds ajv instances. Each validator owner creates its own (no shared global
 * instance): compiled schemas are cached inside the instance that owns them.
 */
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const formatsModule = addFormatsModule as unknown as FormatsPlugin | { default: FormatsPlugin };
const addFormats: FormatsPlugin = typeof formatsModule === 'function' ? formatsModule : formatsModule.default;

/**
 * The option sets validators are compiled with. Named, because the build
 * (scripts/build/validators.mjs) precompiles the built-in schemas with the
 * same options, and a precompiled validator is looked up by profile + schema.
 */
export const AJV_PROFILES = {
  /** playbook, role and inventory structure */
  schema: {},
  /** module parameters: coerced ("yes" → true, "0644" stays a string) and defaults filled in */
  params: { coerceTypes: true, useDefaults: true },
} as const satisfies Record<string, Options>;
export type AjvProfile = keyof typeof AJV_PROFILES;

export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: false,
    // our schemas are code (TypeBox), not user input: skip compiling the JSON-Schema
    // meta-schema to check them, which cost ~0.1 s of every run's start-up
    validateSchema: false,
    ...options,
  });
  addFormats(ajv);
  return ajv;
}
