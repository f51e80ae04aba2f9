/**
 * assert: fails the task unless every condition in `that` holds; runs on the
 * controller.
 *
 * `that` is declared a condition parameter: the engine parses it before the
 * run (a malformed condition is an input error with its location) and checks
 * its variables like `when`; the module evaluates each condition in order
 * with `ctx.holds`, stopping at the first false one, as Ansible does.
 */
import { defineModule, ModuleFailure, Type } from '../engine/module.js';

const params = Type.Object(
  {
    that: Type.Union([Type.String(), Type.Boolean(), Type.Array(Type.Union([Type.String(), Type.Boolean()]), { minItems: 1 })], {
      description: 'A condition or list of conditions (like `when`), all of which must be true.',
    }),
    fail_msg: Type.Optional(Type.Unknown({ description: 'Message when an assertion fails (text or list).' })),
    msg: Type.Optional(Type.Unknown({ description: 'Alias of fail_msg.' })),
    success_msg: Type.Optional(Type.Unknown({ description: 'Message when all assertions pass. Default "All assertions passed".' })),
    quiet: Type.Boolean({ default: false, description: 'Register less output on success.' }),
  },
  { additionalProperties: false },
);

export default defineModule({
  name: 'assert',
  description: 'Fails unless the given conditions are all true.',
  params,
  controllerOnly: true,
  conditionParams: ['that'],
  async check(ctx, p) {
    const conditions = Array.isArray(p.that) ? p.that : [p.that];
    for (const c of conditions) {
      if (ctx.holds(c)) continue;
      const custom = p.fail_msg ?? p.msg;
      const message = custom === undefined ? `Assertion failed: ${String(c)}` : textOf(custom);
      throw new ModuleFailure(message, { assertion: String(c), evaluated_to: false, ...(custom === undefined ? {} : { msg: custom }) });
    }
    const msg = p.success_msg ?? 'All assertions passed';
    return { changed: false, result: p.quiet ? { msg } : { msg, evaluated: conditions.map(String) } };
  },
});

function textOf(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
