import { describe, expect, it } from 'vitest';
import debug, { NOT_DEFINED } from '../../src/modules/debug.js';
import { parseVarPath } from '../../src/modules/support/cmd-var-path.js';
import { InvalidParams, runModule } from '../helpers/module-harness.js';

const vars = {
  greeting: 'hello',
  result: { stdout_lines: ['a', 'b'], rc: 0 },
  'weird': { 'key with space': 1 },
  templated: '{{greeting}} world',
  ansible_verbosity: 1,
};

describe('parseVarPath', () => {
  it.each([
    ['a', ['a']],
    ['a.b', ['a', 'b']],
    ['a.b[0]', ['a', 'b', '0']],
    [`a['x y'].c`, ['a', 'x y', 'c']],
    ['a | length', null],
    ['1abc', null],
  ])('%s', (path, parts) => expect(parseVarPath(path)).toEqual(parts));
});

describe('debug module', () => {
  const cases: { name: string; params: Record<string, unknown>; result: Record<string, unknown> }[] = [
    { name: 'default message', params: {}, result: { msg: 'Hello world!' } },
    { name: 'text message', params: { msg: 'hi' }, result: { msg: 'hi' } },
    { name: 'structured message', params: { msg: ['a', { b: 1 }] }, result: { msg: ['a', { b: 1 }] } },
    { name: 'var', params: { var: 'greeting' }, result: { greeting: 'hello' } },
    { name: 'var path', params: { var: 'result.stdout_lines[1]' }, result: { 'result.stdout_lines[1]': 'b' } },
    { name: 'var object', params: { var: 'result' }, result: { result: { stdout_lines: ['a', 'b'], rc: 0 } } },
    { name: 'bracket key', params: { var: `weird['key with space']` }, result: { [`weird['key with space']`]: 1 } },
    { name: 'lazy var rendered', params: { var: 'templated' }, result: { templated: 'hello world' } },
    { name: 'undefined var', params: { var: 'nope.deeper' }, result: { 'nope.deeper': NOT_DEFINED } },
    { name: 'verbosity met', params: { msg: 'v', verbosity: 1 }, result: { msg: 'v' } },
    { name: 'verbosity not met', params: { msg: 'v', verbosity: 2 }, result: { skipped: true, skipped_reason: 'Verbosity threshold not met.' } },
  ];
  it.each(cases)('$name', async ({ params, result }) => {
    const r = await runModule(debug, params, { vars });
    expect(r.changed).toBe(false);
    expect(r.result).toEqual(result);
  });

  it('is controller-only and never changes, in check mode too', async () => {
    expect(debug.controllerOnly).toBe(true);
    expect((await runModule(debug, { msg: 'x' }, { check: true })).result).toEqual({ msg: 'x' });
  });

  it.each([[{ msg: 'a', var: 'b' }], [{ verbosity: -1 }], [{ bogus: 1 }]])('rejects %j', async (params) => {
    await expect(runModule(debug, params)).rejects.toBeInstanceOf(InvalidParams);
  });
});
