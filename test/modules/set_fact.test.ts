import { describe, expect, it } from 'vitest';
import setFact from '../../src/modules/set_fact.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { runModule } from '../helpers/module-harness.js';

describe('set_fact module', () => {
  it.each([
    [{ a: 1 }, { a: 1 }],
    [{ name: 'web', ports: [80, 443], nested: { x: true } }, { name: 'web', ports: [80, 443], nested: { x: true } }],
    [{ a: 'x', cacheable: true }, { a: 'x' }],
  ])('%j sets %j', async (params, facts) => {
    const r = await runModule(setFact, params);
    expect(r.changed).toBe(false);
    expect(r.plan.facts).toEqual(facts);
    expect(r.result).toEqual({ ansible_facts: facts });
  });

  it('predicts the same facts in check mode', async () => {
    expect((await runModule(setFact, { a: 1 }, { check: true })).plan.facts).toEqual({ a: 1 });
  });

  it.each([
    [{}, /No key\/value pairs/],
    [{ cacheable: true }, /No key\/value pairs/],
    [{ 'bad-name': 1 }, /not valid/],
    [{ '1x': 1 }, /not valid/],
  ])('rejects %j', async (params, msg) => {
    const err = await runModule(setFact, params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toMatch(msg);
  });
});
