/**
 * Validators compiled when tsplay was built, keyed by `schemaKey()`. Empty
 * here: the bundle (scripts/build/bundle.mjs) replaces this module with the
 * code scripts/build/validators.mjs generates for the built-in schemas, so a
 * run from dist/bundle does not compile them. Running from source (tests, tsx)
 * compiles them on first use instead; the result is the same.
 */
import type { ValidateFunction } from 'ajv';

export const precompiled: Readonly<Record<string, ValidateFunction>> = {};
