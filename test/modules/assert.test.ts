import { describe, expect, it } from 'vitest';
import assertModule from '../../src/modules/assert.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { InvalidParams, runModule } from '../helpers/module-harness.js';

const vars = { x: 1, a: true, b: false, name: 'web' };

describe('assert module (conditions evaluated with ctx.holds, the engine evaluator)', () => {
  it('declares `that` a condition parameter', () => {
    expect(assertModule.conditionParams).toEqual(['that']);
  });

  it.each([
    [{ that: 'x == 1' }, { msg: 'All assertions passed', evaluated: ['x == 1'] }],
    [{ that: ['a', "name == 'web'"], success_msg: 'fine' }, { msg: 'fine', evaluated: ['a', "name == 'web'"] }],
    [{ that: 'a', quiet: true }, { msg: 'All assertions passed' }],
    [{ that: true }, { msg: 'All assertions passed', evaluated: ['true'] }],
  ])('passes %j', async (params, result) => {
    const r = await runModule(assertModule, params, { vars });
    expect(r.changed).toBe(false);
    expect(r.result).toEqual(result);
  });

  it.each([
    [{ that: ['a', 'b'] }, 'Assertion failed: b', 'b'],
    [{ that: 'x > 1', fail_msg: 'x must be big' }, 'x must be big', 'x > 1'],
    [{ that: 'b', msg: 'alias works' }, 'alias works', 'b'],
    // the first false condition ends it, as in Ansible: the undefined variable after it is never looked at
    [{ that: ['x == 2', 'nothing_defines_this == 1'] }, 'Assertion failed: x == 2', 'x == 2'],
  ])('fails %j', async (params, message, assertion) => {
    const err = (await runModule(assertModule, params, { vars }).catch((e: unknown) => e)) as ModuleFailure;
    expect(err).toBeInstanceOf(ModuleFailure);
    expect(err.message).toBe(message);
    expect(err.result).toMatchObject({ assertion, evaluated_to: false });
  });

  it('an undefined variable in a condition it reaches is an error naming it', async () => {
    await expect(runModule(assertModule, { that: ['a', 'nothing_defines_this == 1'] }, { vars })).rejects.toThrow(/nothing_defines_this/);
  });

  it.each([[{}], [{ that: [] }], [{ that: 'a', bogus: 1 }], [{ that: 'a', _evaluated: [] }]])('rejects %j', async (params) => {
    await expect(runModule(assertModule, params, { vars })).rejects.toBeInstanceOf(InvalidParams);
  });
});
