import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { TsplayError, ValidationErrors } from '../../../src/engine/errors.js';
import { ModuleParams } from '../../../src/engine/validate/module-params.js';
import { nearest } from '../../../src/engine/validate/did-you-mean.js';
import { testModuleList } from '../playbook/test-modules.js';

const mod = (name: string) => testModuleList.find((m) => m.name === name)!;
const where = { file: '/p/site.yml', line: 7, column: 5, field: 'tasks[2].apt' };

function thrown(fn: () => unknown): readonly TsplayError[] {
  try {
    fn();
  } catch (e) {
    if (!TsplayError.isInstance(e)) throw e;
    return e instanceof ValidationErrors ? e.errors : [e];
  }
  return [];
}

describe('ModuleParams.compileModuleParams (run time)', () => {
  const params = new ModuleParams();

  it.each([
    { name: 'coerces "yes" and numeric strings', args: { name: 'git', update_cache: 'yes', cache_valid_time: '3600' }, expected: { name: 'git', update_cache: true, cache_valid_time: 3600, state: 'present' } },
    { name: 'applies defaults', args: { name: ['a', 'b'] }, expected: { name: ['a', 'b'], state: 'present', update_cache: false } },
    { name: 'coerces "False" from a template', args: { update_cache: 'False' }, expected: { update_cache: false, state: 'present' } },
  ])('$name', ({ args, expected }) => {
    const input = structuredClone(args);
    expect(params.compileModuleParams({ ...mod('apt'), name: 'apt' }).validate(input, where)).toEqual(expected);
    expect(input).toEqual(args); // the caller's object is untouched
  });

  it('caches the compiled validator per module in the instance', () => {
    const m = { ...mod('apt') };
    expect(params.compileModuleParams(m)).toBe(params.compileModuleParams(m));
    expect(new ModuleParams().compileModuleParams(m)).not.toBe(params.compileModuleParams(m));
  });

  it.each([
    { name: 'wrong enum', module: 'apt', args: { state: 'gone' }, codes: ['E_PARAM_TYPE'], field: 'tasks[2].apt.state', text: "expected 'present' or 'absent' or 'latest'" },
    { name: 'missing required', module: 'copy', args: { src: 'a' }, codes: ['E_MISSING_PARAM'], field: 'tasks[2].apt', text: "missing required parameter 'dest'" },
    { name: 'mutually exclusive', module: 'copy', args: { src: 'a', content: 'b', dest: '/x' }, codes: ['E_PARAM_CONFLICT'], field: 'tasks[2].apt', text: "'src' and 'content' cannot be used together" },
    { name: 'two problems at once', module: 'copy', args: { backup: [1], mode: {} }, codes: ['E_MISSING_PARAM', 'E_PARAM_TYPE', 'E_PARAM_TYPE'], field: undefined, text: 'copy' },
  ])('rejects $name with located errors', ({ module, args, codes, field, text }) => {
    const errors = thrown(() => params.compileModuleParams({ ...mod(module), name: module }).validate(args, where));
    expect(errors.map((e) => e.code).sort()).toEqual([...codes].sort());
    for (const e of errors) expect(e.location).toMatchObject({ file: '/p/site.yml', line: 7, column: 5 });
    if (field) expect(errors[0]!.location?.field).toBe(field);
    expect(errors.map((e) => e.message).join('\n')).toContain(text);
  });

  it('does not repeat string values in run-time messages (they may be secret)', () => {
    const errors = thrown(() => params.compileModuleParams({ ...mod('apt'), name: 'apt' }).validate({ state: 's3cr3t-value' }, where));
    expect(errors[0]!.message).not.toContain('s3cr3t-value');
  });
});

describe('ModuleParams.check (load time)', () => {
  const params = new ModuleParams();

  it.each([
    { name: 'templated value for a boolean', module: 'apt', args: { update_cache: '{{ refresh }}' } },
    { name: 'templated value for an enum', module: 'apt', args: { state: '{{ wanted }}' } },
    { name: 'templated list item', module: 'apt', args: { name: ['git', '{{ extra }}'] } },
    { name: 'templated integer', module: 'apt', args: { cache_valid_time: '{{ ttl }}' } },
    { name: 'yes for a boolean', module: 'apt', args: { update_cache: 'yes' } },
    { name: 'default fills a required parameter', module: 'copy', args: { dest: '/x' } },
  ])('accepts $name', ({ module, args }) => {
    expect(params.check({ ...mod(module), name: module }, args)).toEqual([]);
  });

  it.each([
    { name: 'unknown parameter', module: 'copy', args: { dest: '/x', mdoe: '0644' }, kind: 'unknown-key', text: "unknown parameter 'mdoe' for module 'copy'; did you mean 'mode'?" },
    { name: 'list for a string', module: 'service', args: { name: ['a'] }, kind: 'type', text: 'expected a string, got a list' },
    { name: 'free-form module without its command', module: 'command', args: { chdir: '/tmp' }, kind: 'type', text: "needs one of 'cmd', 'argv'" },
  ])('reports $name', ({ module, args, kind, text }) => {
    const issues = params.check({ ...mod(module), name: module }, args);
    expect(issues.map((i) => i.kind)).toEqual([kind]);
    expect(issues[0]!.message).toContain(text);
  });

  it('reads schemas without titles in plain words', () => {
    const issues = params.check({ name: 'x', params: Type.Object({ tags: Type.Array(Type.String()) }) }, { tags: 3 });
    expect(issues[0]!.message).toBe('expected a list of strings, got a number');
  });
});

describe('nearest', () => {
  it.each([
    ['becom', ['become', 'become_user', 'when'], 'become'],
    ['cpy', ['copy', 'command'], 'copy'],
    ['zzzzzz', ['become', 'when'], undefined],
    ['x', ['y'], 'y'],
  ])('%s → %s', (word, candidates, expected) => {
    expect(nearest(word, candidates)).toBe(expected);
  });
});
