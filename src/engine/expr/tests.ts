/** Jinja tests usable after `is` / `is not`: `x is defined`, `result is changed`, ... */
import { TemplateError } from '../errors.js';
import { MissingVariable, UndefinedValue } from '../template/undefined-value.js';
import { truthy } from '../template/truthy.js';

type Test = (value: unknown) => boolean;

function field(result: unknown, name: string, test: string): boolean {
  if (result instanceof UndefinedValue) throw new MissingVariable(result.path);
  if (result === null || typeof result !== 'object' || Array.isArray(result)) {
    throw new TemplateError(`'is ${test}' needs a registered task result`);
  }
  return truthy((result as Record<string, unknown>)[name]);
}

export const TESTS: Readonly<Record<string, Test>> = {
  defined: (v) => !(v instanceof UndefinedValue),
  undefined: (v) => v instanceof UndefinedValue,
  none: (v) => v === null,
  changed: (v) => field(v, 'changed', 'changed'),
  failed: (v) => field(v, 'failed', 'failed'),
  succeeded: (v) => !field(v, 'failed', 'succeeded'),
  success: (v) => !field(v, 'failed', 'success'),
  skipped: (v) => field(v, 'skipped', 'skipped'),
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  mapping: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  sequence: (v) => Array.isArray(v) || typeof v === 'string',
  truthy: (v) => truthy(v),
  falsy: (v) => !truthy(v),
};

/** Tests that look at an undefined value rather than fail on it. */
export const TESTS_ACCEPT_UNDEFINED = new Set(['defined', 'undefined']);
