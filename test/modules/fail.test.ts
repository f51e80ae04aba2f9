import { describe, expect, it } from 'vitest';
import fail from '../../src/modules/fail.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { InvalidParams, runModule } from '../helpers/module-harness.js';

describe('fail module', () => {
  it.each([
    [{}, 'Failed as requested from task'],
    [{ msg: 'custom' }, 'custom'],
    [{ msg: { why: 'x' } }, '{"why":"x"}'],
  ])('%j fails with %s', async (params, message) => {
    for (const check of [false, true]) {
      const err = (await runModule(fail, params, { check }).catch((e: unknown) => e)) as ModuleFailure;
      expect(err).toBeInstanceOf(ModuleFailure);
      expect(err.message).toBe(message);
    }
  });

  it('rejects unknown params', async () => {
    await expect(runModule(fail, { mgs: 'typo' })).rejects.toBeInstanceOf(InvalidParams);
  });
});
