import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import shell from '../../src/modules/shell.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { InvalidParams, runModule, snapshotTree, tempDir } from '../helpers/module-harness.js';

describe('shell module', () => {
  it('runs through /bin/sh: variables, pipes and redirections work', async () => {
    const r = await runModule(shell, { cmd: 'X=hi; echo "$X there" | tr a-z A-Z; echo warn >&2' });
    expect(r.changed).toBe(true);
    expect(r.result).toMatchObject({ rc: 0, stdout: 'HI THERE', stderr: 'warn', cmd: 'X=hi; echo "$X there" | tr a-z A-Z; echo warn >&2' });
  });

  it('uses another executable when asked', async () => {
    const r = await runModule(shell, { cmd: 'echo "$0"', executable: '/bin/bash' });
    expect(r.result.stdout).toBe('/bin/bash');
  });

  it('chdir, stdin (with the newline added) and multi-line output', async () => {
    const dir = await tempDir();
    const r = await runModule(shell, { cmd: 'pwd; cat | od -c | head -1', chdir: dir, stdin: 'ab' });
    expect(r.result.stdout_lines).toEqual([dir, '0000000   a   b  \\n']);
  });

  it('fails on a non-zero rc and registers the output', async () => {
    const err = (await runModule(shell, { cmd: 'echo partial; exit 5' }).catch((e: unknown) => e)) as ModuleFailure;
    expect(err).toBeInstanceOf(ModuleFailure);
    expect(err.result).toMatchObject({ rc: 5, stdout: 'partial', changed: true });
  });

  it('removes: runs while the file exists, then is skipped; check changes nothing', async () => {
    const dir = await tempDir();
    const target = join(dir, 'old');
    await runModule(shell, { cmd: `echo x > ${target}` });
    const params = { cmd: `rm ${target}`, removes: target };
    const before = await snapshotTree(dir);
    expect((await runModule(shell, params, { check: true })).changed).toBe(true);
    expect(await snapshotTree(dir)).toEqual(before);
    expect((await runModule(shell, params)).changed).toBe(true);
    const again = await runModule(shell, params);
    expect(again.changed).toBe(false);
    expect(again.result.stdout).toBe(`skipped, since ${target} does not exist`);
  });

  it('takes inline chdir= and executable= from the line', async () => {
    const dir = await tempDir();
    const r = await runModule(shell, { cmd: `echo "$0" $(pwd) | tr / : chdir=${dir} executable=/bin/bash` });
    expect(r.result.stdout).toBe(`:bin:bash ${dir.replace(/\//g, ':')}`);
    expect(r.result.cmd).toBe('echo "$0" $(pwd) | tr / :');
  });

  it.each([[{}], [{ cmd: '' }], [{ cmd: 'true', argv: ['x'] }]])('rejects invalid params %j', async (params) => {
    await expect(runModule(shell, params)).rejects.toBeInstanceOf(InvalidParams);
  });
});
