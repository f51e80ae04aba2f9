/**
 * assert: fails the task unless every condition in `that` holds; runs on the
 * controller.
 *
 * Contract with the engine: conditions are expressions, which the engine's
 * evaluator understands and modules do not. So before validating the
 * parameters the engine evaluates `that` in order, stopping at the first
 * false one (as Ansible does), and passes the outcome as the parameter
 * `_evaluated: {expr, ok}[]`. Users never write `_evaluated`; `that` stays
 * in the schema for validation and docs. Without `_evaluated` the module
 * fails rather than pass unchecked.
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
    _evaluated: Type.Optional(
      Type.Array(Type.Object({ expr: Type.String(), ok: Type.Boolean() }), {
        description: 'Set by the engine, not by users: each condition of `that` and whether it held.',
      }),
    ),
  },
  { additionalProperties: false },
);

export default defineModule({
  name: 'assert',
  description: 'Fails unless the given conditions are all true.',
  params,
  controllerOnly: true,
  conditionParams: ['that'],
  async check(_ctx, p) {
    const evaluated = p._evaluated;
    if (!evaluated) throw new ModuleFailure('assert: the conditions were not evaluated (the engine passes `_evaluated`)', { evaluated_to: false });
    const failed = evaluated.find((e) => !e.ok);
    if (failed) {
      const custom = p.fail_msg ?? p.msg;
      const message = custom === undefined ? `Assertion failed: ${failed.expr}` : textOf(custom);
      throw new ModuleFailure(message, { assertion: failed.expr, evaluated_to: false, ...(custom === undefined ? {} : { msg: custom }) });
    }
    const msg = p.success_msg ?? 'All assertions passed';
    return { changed: false, result: p.quiet ? { msg } : { msg, evaluated: evaluated.map((e) => e.expr) } };
  },
});

function textOf(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
