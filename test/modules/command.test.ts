import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import command from '../../src/modules/command.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { argvToShell, ansibleDelta, extractInlineParams, splitCommandLine } from '../../src/modules/support/cmd-args.js';
import { InvalidParams, runModule, snapshotTree, tempDir } from '../helpers/module-harness.js';

describe('splitCommandLine', () => {
  const cases: [string, string[]][] = [
    ['echo hello world', ['echo', 'hello', 'world']],
    ['echo $HOME', ['echo', '$HOME']],
    [`echo 'a b' "c d"`, ['echo', 'a b', 'c d']],
    [`printf "%s\\n" "x\\"y"`, ['printf', '%s\\n', 'x"y']],
    ['ls  -l   /tmp ', ['ls', '-l', '/tmp']],
    ['echo a\\ b', ['echo', 'a b']],
    [`echo ''`, ['echo', '']],
    ['echo a|wc >out', ['echo', 'a|wc', '>out']],
  ];
  it.each(cases)('%s', (line, words) => expect(splitCommandLine(line)).toEqual(words));
  it('rejects an unterminated quote', () => expect(() => splitCommandLine(`echo 'oops`)).toThrow(/unterminated single quote/));
});

describe('extractInlineParams', () => {
  const keys = ['creates', 'removes', 'chdir'];
  it.each([
    ['touch /x creates=/x', 'touch /x', { creates: '/x' }],
    ['make all chdir=/src removes=/src/Makefile', 'make all', { chdir: '/src', removes: '/src/Makefile' }],
    [`tar xf a.tgz creates='/opt/my app'`, 'tar xf a.tgz', { creates: '/opt/my app' }],
    [`echo "creates=/x stays" a=b`, `echo "creates=/x stays" a=b`, {}],
    ['echo  two   spaces', 'echo  two   spaces', {}],
    ['printf x\ncreates=/y', 'printf x\ncreates=/y', {}],
  ])('%s', (line, rest, params) => expect(extractInlineParams(line, keys)).toEqual({ rest, params }));
});

describe('argvToShell and ansibleDelta', () => {
  it('quotes every word', () => expect(argvToShell(['echo', 'a b', "it's"])).toBe(`exec echo 'a b' 'it'\\''s'`));
  it.each([
    [0, '0:00:00.000000'],
    [1500, '0:00:01.500000'],
    [3_723_004, '1:02:03.004000'],
  ])('%d ms → %s', (ms, text) => expect(ansibleDelta(ms)).toBe(text));
});

describe('command module', () => {
  it('runs without a shell: $HOME, globs and pipes stay literal', async () => {
    const r = await runModule(command, { cmd: 'echo $HOME * | wc' });
    expect(r.changed).toBe(true);
    expect(r.result.stdout).toBe('$HOME * | wc');
    expect(r.result.rc).toBe(0);
    expect(r.result.cmd).toEqual(['echo', '$HOME', '*', '|', 'wc']);
    expect(r.result.stdout_lines).toEqual(['$HOME * | wc']);
    expect(String(r.result.start)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(String(r.result.delta)).toMatch(/^0:00:\d\d\.\d{6}$/);
  });

  it('takes an argv list, chdir and stdin', async () => {
    const dir = await tempDir();
    const r = await runModule(command, { argv: ['sh', '-c', 'pwd; cat'], chdir: dir, stdin: 'from stdin' });
    expect(r.result.stdout_lines).toEqual([dir, 'from stdin']);
  });

  it('fails on a non-zero rc with the full result', async () => {
    const err = await runModule(command, { cmd: 'sh -c "echo out; echo err >&2; exit 3"' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    const f = err as ModuleFailure;
    expect(f.result).toMatchObject({ rc: 3, stdout: 'out', stderr: 'err', stderr_lines: ['err'], msg: 'non-zero return code' });
  });

  it('fails clearly when the program does not exist', async () => {
    const err = await runModule(command, { cmd: 'no-such-program-tsplay' }).catch((e: unknown) => e);
    expect((err as ModuleFailure).result.rc).toBe(127);
  });

  it('creates: first run changes, second is skipped; check predicts both and changes nothing', async () => {
    const dir = await tempDir();
    const marker = join(dir, 'done');
    const params = { cmd: `touch ${marker}`, creates: marker };
    const before = await snapshotTree(dir);
    const predicted = await runModule(command, params, { check: true });
    expect(predicted.changed).toBe(true);
    expect(await snapshotTree(dir)).toEqual(before);
    expect((await runModule(command, params)).changed).toBe(true);
    const again = await runModule(command, params);
    expect(again.changed).toBe(false);
    expect(again.result).toMatchObject({ rc: 0, stdout: `skipped, since ${marker} exists`, msg: `Did not run command since '${marker}' exists` });
    expect((await runModule(command, params, { check: true })).changed).toBe(false);
  });

  it('creates and removes resolve relative paths under chdir and accept globs', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a file.log'), '');
    const cases: [Record<string, unknown>, boolean][] = [
      [{ creates: '*.log' }, false],
      [{ creates: '*.txt' }, true],
      [{ removes: 'a file.log' }, true],
      [{ removes: 'missing' }, false],
    ];
    for (const [guard, changed] of cases) {
      const r = await runModule(command, { cmd: 'true', chdir: dir, ...guard }, { check: true });
      expect(r.changed, JSON.stringify(guard)).toBe(changed);
    }
  });

  it('takes Ansible inline arguments from the free-form line; explicit ones win', async () => {
    const dir = await tempDir();
    const marker = join(dir, 'made');
    const line = `touch made creates=made chdir=${dir}`;
    expect((await runModule(command, { cmd: line })).changed).toBe(true);
    const again = await runModule(command, { cmd: line });
    expect(again.changed).toBe(false);
    expect(again.result.stdout).toBe(`skipped, since ${marker} exists`);
    expect((await runModule(command, { cmd: line, creates: join(dir, 'other') }, { check: true })).changed).toBe(true);
  });

  it.each([
    [{}],
    [{ cmd: 'ls', argv: ['ls'] }],
    [{ cmd: 'ls', bogus: 1 }],
    [{ argv: [] }],
  ])('rejects invalid params %j', async (params) => {
    await expect(runModule(command, params)).rejects.toBeInstanceOf(InvalidParams);
  });
});
