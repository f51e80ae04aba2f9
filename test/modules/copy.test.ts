import { chmod, mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import copy from '../../src/modules/copy.js';
import { expectConverges, InvalidParams, runModule, snapshotTree, tempDir } from '../helpers/module-harness.js';
import { stringMatching } from '../helpers/matchers.js';

const modeOf = async (p: string): Promise<string> => ((await stat(p)).mode & 0o7777).toString(8).padStart(4, '0');

describe('copy', () => {
  it.each([
    { name: 'new file from content', existing: undefined, params: { content: 'hello\n' }, diff: [{ before: '', after: 'hello\n' }] },
    { name: 'changed content', existing: 'old\n', params: { content: 'new\n' }, diff: [{ before: 'old\n', after: 'new\n' }] },
    { name: 'same content, mode differs', existing: 'same\n', params: { content: 'same\n', mode: '0600' }, diff: [{ before: { mode: '0644' }, after: { mode: '0600' } }] },
    { name: 'symbolic mode', existing: 'same\n', params: { content: 'same\n', mode: 'u=rw,go=' }, diff: [{ before: { mode: '0644' }, after: { mode: '0600' } }] },
    { name: 'new file with mode', existing: undefined, params: { content: 'x', mode: '0640' }, diff: [{ before: '', after: 'x' }] },
  ])('$name: converges with an exact diff', async ({ existing, params, diff }) => {
    const dir = await tempDir();
    const dest = join(dir, 'f.txt');
    if (existing !== undefined) {
      await writeFile(dest, existing);
      await chmod(dest, 0o644);
    }
    const real = await expectConverges(copy, { ...params, dest }, dir, { expectChanged: true });
    expect(real.plan.diff).toEqual(
      diff.map((d) => ({
        label: dest,
        before: typeof d.before === 'string' ? d.before : { path: dest, ...d.before },
        after: typeof d.after === 'string' ? d.after : { path: dest, ...d.after },
      })),
    );
    expect(await readFile(dest, 'utf8')).toBe(params.content);
    if (params.mode) expect(await modeOf(dest)).toBe(params.mode === 'u=rw,go=' ? '0600' : params.mode);
    expect(real.result).toMatchObject({ dest, checksum: stringMatching(/^[0-9a-f]{64}$/), size: params.content.length });
  });

  it('unchanged file is reported unchanged and not rewritten', async () => {
    const dir = await tempDir();
    const dest = join(dir, 'f');
    await writeFile(dest, 'same');
    const before = await snapshotTree(dir);
    const r = await runModule(copy, { content: 'same', dest });
    expect(r.changed).toBe(false);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('owner and group changes alone are a change', async () => {
    const dir = await tempDir();
    const dest = join(dir, 'f');
    await writeFile(dest, 'x');
    const r = await expectConverges(copy, { content: 'x', dest, owner: 'nobody', group: 'nogroup' }, dir, { expectChanged: true });
    expect(r.plan.diff).toEqual([{ label: dest, before: { path: dest, owner: 'root', group: 'root' }, after: { path: dest, owner: 'nobody', group: 'nogroup' } }]);
    expect((await stat(dest)).uid).toBe(65534);
  });

  it('copies a controller file into an existing directory as basename(src)', async () => {
    const ctl = await tempDir();
    await mkdir(join(ctl, 'files'));
    await writeFile(join(ctl, 'files', 'app.conf'), 'a=1\n');
    const dir = await tempDir();
    const r = await expectConverges(copy, { src: 'app.conf', dest: dir }, dir, { controllerDir: ctl, expectChanged: true });
    expect(await readFile(join(dir, 'app.conf'), 'utf8')).toBe('a=1\n');
    expect(r.result).toMatchObject({ dest: join(dir, 'app.conf'), src: 'app.conf' });
  });

  it('copies a controller directory recursively', async () => {
    const ctl = await tempDir();
    await mkdir(join(ctl, 'tree', 'sub'), { recursive: true });
    await writeFile(join(ctl, 'tree', 'a'), 'A');
    await writeFile(join(ctl, 'tree', 'sub', 'b'), 'B');
    const dir = await tempDir();
    await expectConverges(copy, { src: join(ctl, 'tree'), dest: `${dir}/` }, dir, { expectChanged: true });
    expect(await readFile(join(dir, 'tree', 'sub', 'b'), 'utf8')).toBe('B');
    await expectConverges(copy, { src: `${join(ctl, 'tree')}/`, dest: join(dir, 'flat') }, dir, { expectChanged: true });
    expect((await readdir(join(dir, 'flat'))).sort()).toEqual(['a', 'sub']);
  });

  it('force: false leaves an existing file alone', async () => {
    const dir = await tempDir();
    const dest = join(dir, 'f');
    await writeFile(dest, 'mine');
    expect((await runModule(copy, { content: 'theirs', dest, force: false })).changed).toBe(false);
    expect(await readFile(dest, 'utf8')).toBe('mine');
  });

  it('backup keeps the old file and registers backup_file', async () => {
    const dir = await tempDir();
    const dest = join(dir, 'f');
    await writeFile(dest, 'v1');
    const r = await runModule(copy, { content: 'v2', dest, backup: true });
    const backup = String(r.result.backup_file);
    expect(backup).toMatch(/\/f\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    expect(await readFile(backup, 'utf8')).toBe('v1');
    expect(await readFile(dest, 'utf8')).toBe('v2');
  });

  it('validate: a passing command lets the file through, a failing one leaves the old file whole', async () => {
    const dir = await tempDir();
    const dest = join(dir, 'f');
    await writeFile(dest, 'good\n');
    await runModule(copy, { content: 'good too\n', dest, validate: 'grep -q good %s' });
    expect(await readFile(dest, 'utf8')).toBe('good too\n');
    const before = await snapshotTree(dir);
    await expect(runModule(copy, { content: 'bad\n', dest, validate: 'grep -q good %s' })).rejects.toThrow(/failed to validate/);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('writes through a symlink with follow, replaces it without', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'real'), 'old');
    await symlink('real', join(dir, 'link'));
    await runModule(copy, { content: 'new', dest: join(dir, 'link'), follow: true });
    expect(await readFile(join(dir, 'real'), 'utf8')).toBe('new');
    expect((await snapshotTree(dir)).link).toBe('link real');
  });

  it.each([
    { name: 'missing dest', params: { content: 'x' } },
    { name: 'neither src nor content', params: { dest: '/tmp/x' } },
    { name: 'both src and content', params: { dest: '/tmp/x', src: 'a', content: 'b' } },
    { name: 'unknown parameter', params: { dest: '/tmp/x', content: 'b', colour: 'red' } },
    { name: 'validate without %s', params: { dest: '/tmp/x', content: 'b', validate: 'true' } },
  ])('rejects invalid params: $name', async ({ params }) => {
    await expect(runModule(copy, params)).rejects.toBeInstanceOf(InvalidParams);
  });

  it.each([
    { name: 'missing src', params: (d: string) => ({ src: 'nope.txt', dest: join(d, 'x') }), error: /src 'nope.txt' not found/ },
    { name: 'missing parent', params: (d: string) => ({ content: 'x', dest: join(d, 'no', 'x') }), error: /parent directory .*\/no does not exist/ },
    { name: 'content into a directory', params: (d: string) => ({ content: 'x', dest: d }), error: /can not use content with a directory/ },
  ])('fails clearly: $name', async ({ params, error }) => {
    const dir = await tempDir();
    await expect(runModule(copy, params(dir), { controllerDir: dir })).rejects.toThrow(error);
  });
});
