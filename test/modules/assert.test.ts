import { describe, expect, it } from 'vitest';
import assertModule from '../../src/modules/assert.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { InvalidParams, runModule } from '../helpers/module-harness.js';

const ok = (expr: string) => ({ expr, ok: true });
const no = (expr: string) => ({ expr, ok: false });

describe('assert module (conditions evaluated by the engine into _evaluated)', () => {
  it.each([
    [{ that: 'x == 1', _evaluated: [ok('x == 1')] }, { msg: 'All assertions passed', evaluated: ['x == 1'] }],
    [{ that: ['a', 'b'], _evaluated: [ok('a'), ok('b')], success_msg: 'fine' }, { msg: 'fine', evaluated: ['a', 'b'] }],
    [{ that: 'a', _evaluated: [ok('a')], quiet: true }, { msg: 'All assertions passed' }],
  ])('passes %j', async (params, result) => {
    const r = await runModule(assertModule, params);
    expect(r.changed).toBe(false);
    expect(r.result).toEqual(result);
  });

  it.each([
    [{ that: ['a', 'b'], _evaluated: [ok('a'), no('b')] }, 'Assertion failed: b', 'b'],
    [{ that: 'a', _evaluated: [no('a')], fail_msg: 'a must hold' }, 'a must hold', 'a'],
    [{ that: 'a', _evaluated: [no('a')], msg: 'alias works' }, 'alias works', 'a'],
  ])('fails %j', async (params, message, assertion) => {
    const err = (await runModule(assertModule, params).catch((e: unknown) => e)) as ModuleFailure;
    expect(err).toBeInstanceOf(ModuleFailure);
    expect(err.message).toBe(message);
    expect(err.result).toMatchObject({ assertion, evaluated_to: false });
  });

  it('fails rather than pass when the engine did not evaluate', async () => {
    await expect(runModule(assertModule, { that: 'a' })).rejects.toThrow(/not evaluated/);
  });

  it.each([[{}], [{ that: [] }], [{ that: 'a', bogus: 1 }]])('rejects %j', async (params) => {
    await expect(runModule(assertModule, params)).rejects.toBeInstanceOf(InvalidParams);
  });
});
