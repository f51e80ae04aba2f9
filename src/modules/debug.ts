/**
 * debug: prints a message or a variable's value; runs on the controller.
 * `var` is looked up in the host's variables by path (`a.b[0]`); anything
 * else (an expression) is rendered as `{{ var }}`. Undefined prints
 * "VARIABLE IS NOT DEFINED!", as Ansible does.
 *
 * `verbosity`: the message is skipped unless the run's verbosity (the
 * `ansible_verbosity` variable, 0 when the engine does not set it) reaches it.
 */
import { defineModule, Type, type HostContext } from '../engine/module.js';
import { lookupVarPath, parseVarPath } from './support/cmd-var-path.js';
import { mutuallyExclusive } from './support/schema.js';

export const NOT_DEFINED = 'VARIABLE IS NOT DEFINED!';

const params = Type.Object(
  {
    msg: Type.Optional(Type.Unknown({ description: 'The message to print (any value: text, list, mapping). Default "Hello world!".' })),
    var: Type.Optional(Type.String({ minLength: 1, description: 'Name (or path, like `result.stdout_lines`) of a variable whose value to print instead of `msg`.' })),
    verbosity: Type.Integer({ minimum: 0, default: 0, description: 'Print only when the run is at least this verbose (-v = 1, -vv = 2, ...).' }),
  },
  { additionalProperties: false, ...mutuallyExclusive(['msg', 'var']) },
);

export default defineModule({
  name: 'debug',
  description: 'Prints a message or the value of a variable.',
  params,
  controllerOnly: true,
  showsResult: true,
  async check(ctx, p) {
    const runVerbosity = Number(ctx.vars.ansible_verbosity ?? 0);
    if (p.verbosity > (Number.isFinite(runVerbosity) ? runVerbosity : 0)) {
      return { changed: false, result: { skipped: true, skipped_reason: 'Verbosity threshold not met.' } };
    }
    if (p.var !== undefined) return { changed: false, result: { [p.var]: valueOf(ctx, p.var) } };
    return { changed: false, result: { msg: p.msg === undefined ? 'Hello world!' : p.msg } };
  },
});

function valueOf(ctx: HostContext, name: string): unknown {
  const path = parseVarPath(name);
  if (path) {
    const hit = lookupVarPath(ctx.vars, path);
    if (!hit.found) return NOT_DEFINED;
    if (typeof hit.value === 'string' && hit.value.includes('{{')) return renderOrUndefined(ctx, hit.value);
    return hit.value;
  }
  return renderOrUndefined(ctx, `{{${name}}}`);
}

function renderOrUndefined(ctx: HostContext, template: string): unknown {
  try {
    return ctx.render(template);
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'E_UNDEFINED_VAR') return NOT_DEFINED;
    throw e;
  }
}
