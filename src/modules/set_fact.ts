/**
 * set_fact: sets variables on the host for the rest of the run; runs on the
 * controller. Every key is a variable (values already templated by the
 * engine). `cacheable` is accepted for Ansible compatibility and ignored:
 * tsplay has no fact cache, so cacheable facts live as long as the run.
 */
import { defineModule, ModuleFailure, Type } from '../engine/module.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const params = Type.Object(
  {
    cacheable: Type.Optional(Type.Boolean({ description: 'Accepted and ignored (tsplay keeps no fact cache between runs).' })),
  },
  { additionalProperties: Type.Unknown({ description: 'Each other key is a variable to set, with its value.' }) },
);

export default defineModule({
  name: 'set_fact',
  description: 'Sets host variables (facts) from the given key/value pairs.',
  params,
  controllerOnly: true,
  setsFacts: 'param-keys',
  async check(_ctx, p) {
    const facts: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(p)) {
      if (k === 'cacheable') continue;
      if (!NAME.test(k)) throw new ModuleFailure(`The variable name '${k}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`, {});
      facts[k] = v;
    }
    if (Object.keys(facts).length === 0) throw new ModuleFailure('No key/value pairs provided, at least one is required for this action to succeed', {});
    return { changed: false, facts, result: { ansible_facts: facts } };
  },
});
