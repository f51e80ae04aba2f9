import { chmod, lstat, mkdir, readlink, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import file from '../../src/modules/file.js';
import { expectConverges, InvalidParams, runModule, snapshotTree, tempDir } from '../helpers/module-harness.js';

type Setup = (dir: string) => Promise<unknown>;
const none: Setup = async () => undefined;
const aFile: Setup = async (d) => {
  await writeFile(join(d, 'p'), 'x');
  await chmod(join(d, 'p'), 0o644);
};
const octal = async (p: string): Promise<string> => ((await lstat(p)).mode & 0o7777).toString(8).padStart(4, '0');

describe('file', () => {
  it.each([
    { name: 'create a directory', setup: none, params: { state: 'directory' }, before: { state: 'absent' }, after: { state: 'directory' } },
    { name: 'create a directory with mode', setup: none, params: { state: 'directory', mode: '0750' }, before: { state: 'absent' }, after: { state: 'directory', mode: '0750' } },
    { name: 'nested directory', setup: none, params: { state: 'directory' }, sub: 'a/b/c', before: { state: 'absent' }, after: { state: 'directory' } },
    { name: 'mode of a file', setup: aFile, params: { mode: '0600' }, before: { state: 'file', mode: '0644' }, after: { state: 'file', mode: '0600' } },
    { name: 'symbolic mode of a file', setup: aFile, params: { state: 'file', mode: 'u+x' }, before: { state: 'file', mode: '0644' }, after: { state: 'file', mode: '0744' } },
    { name: 'owner of a file', setup: aFile, params: { owner: 'nobody' }, before: { state: 'file', owner: 'root' }, after: { state: 'file', owner: 'nobody' } },
    { name: 'remove a file', setup: aFile, params: { state: 'absent' }, before: { state: 'file' }, after: { state: 'absent' } },
    { name: 'remove a tree', setup: async (d: string) => mkdir(join(d, 'p', 'q'), { recursive: true }), params: { state: 'absent' }, before: { state: 'directory' }, after: { state: 'absent' } },
    { name: 'symlink', setup: aFile, params: { state: 'link', src: 'p' }, sub: 'l', before: { state: 'absent' }, after: { state: 'link', src: 'p' } },
    { name: 'repoint a symlink', setup: async (d: string) => { await aFile(d); await writeFile(join(d, 'q'), 'y'); await import('node:fs/promises').then((f) => f.symlink('q', join(d, 'l'))); }, params: { state: 'link', src: 'p' }, sub: 'l', before: { state: 'link' }, after: { state: 'link', src: 'p' } },
    { name: 'touch preserving times creates once', setup: none, params: { state: 'touch', modification_time: 'preserve', access_time: 'preserve' }, before: { state: 'absent' }, after: { state: 'file' } },
    { name: 'touch to a fixed time', setup: aFile, params: { state: 'touch', modification_time: '202001021530.00', access_time: 'preserve' }, before: { state: 'file' }, after: { state: 'file' } },
  ])('$name: converges with an exact diff', async ({ setup, params, sub, before, after }) => {
    const dir = await tempDir();
    await setup(dir);
    const path = join(dir, sub ?? 'p');
    const r = await expectConverges(file, { ...params, path }, dir, { expectChanged: true });
    expect(r.plan.diff).toEqual([{ label: path, before: { path, ...before }, after: { path, ...after } }]);
    if (after.mode) expect(await octal(path)).toBe(after.mode);
    if (after.state === 'absent') expect(await lstat(path).catch(() => null)).toBeNull();
    if (after.state === 'link') expect(await readlink(path)).toBe(after.src);
    if (after.state === 'directory') expect((await stat(path)).isDirectory()).toBe(true);
  });

  it('touch changes every run by default', async () => {
    const dir = await tempDir();
    const path = join(dir, 't');
    expect((await runModule(file, { path, state: 'touch' })).changed).toBe(true);
    await utimes(path, 1000, 1000);
    expect((await runModule(file, { path, state: 'touch' })).changed).toBe(true);
    expect((await stat(path)).mtimeMs).toBeGreaterThan(1_000_000);
  });

  it('fixed modification time is set', async () => {
    const dir = await tempDir();
    await aFile(dir);
    await runModule(file, { path: join(dir, 'p'), state: 'touch', modification_time: '202001021530.00', access_time: 'preserve' });
    expect((await stat(join(dir, 'p'))).mtime.getFullYear()).toBe(2020);
  });

  it('recurse sets attributes below a directory', async () => {
    const dir = await tempDir();
    const root = join(dir, 'd');
    await mkdir(join(root, 'sub'), { recursive: true });
    await writeFile(join(root, 'sub', 'f'), 'x');
    await chmod(join(root, 'sub', 'f'), 0o600);
    await chmod(root, 0o755);
    await chmod(join(root, 'sub'), 0o755);
    const r = await expectConverges(file, { path: root, state: 'directory', recurse: true, mode: 'go+r' }, dir, { expectChanged: true });
    expect(r.plan.diff).toEqual([{ label: root, before: { path: root, state: 'directory' }, after: { path: root, state: 'directory', recursed_entries: 1 } }]);
    expect(await octal(join(root, 'sub', 'f'))).toBe('0644');
  });

  it('hard link converges', async () => {
    const dir = await tempDir();
    await aFile(dir);
    await expectConverges(file, { path: join(dir, 'h'), state: 'hard', src: join(dir, 'p') }, dir, { expectChanged: true });
    expect((await stat(join(dir, 'h'))).ino).toBe((await stat(join(dir, 'p'))).ino);
  });

  it('unchanged paths stay unchanged', async () => {
    const dir = await tempDir();
    await aFile(dir);
    await mkdir(join(dir, 'd'));
    await expectConverges(file, { path: join(dir, 'p'), mode: '0644' }, dir, { expectChanged: false });
    await expectConverges(file, { path: join(dir, 'd'), state: 'directory' }, dir, { expectChanged: false });
    await expectConverges(file, { path: join(dir, 'none'), state: 'absent' }, dir, { expectChanged: false });
  });

  it.each([
    { name: 'state=file on a missing path', setup: none, params: { state: 'file' }, error: /is absent, cannot continue/ },
    { name: 'directory over a file', setup: aFile, params: { state: 'directory' }, error: /already exists as a file/ },
    { name: 'symlink over a file without force', setup: async (d: string) => { await aFile(d); await writeFile(join(d, 'q'), 'q'); }, params: { state: 'link', src: 'q' }, error: /refusing to convert from file to symlink/ },
    { name: 'symlink to a missing src without force', setup: none, params: { state: 'link', src: 'nowhere' }, error: /src file does not exist/ },
  ])('fails clearly and changes nothing: $name', async ({ setup, params, error }) => {
    const dir = await tempDir();
    await setup(dir);
    const before = await snapshotTree(dir);
    await expect(runModule(file, { ...params, path: join(dir, 'p') })).rejects.toThrow(error);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('force replaces a file with a symlink, and links to a missing src', async () => {
    const dir = await tempDir();
    await aFile(dir);
    await runModule(file, { path: join(dir, 'p'), state: 'link', src: 'later', force: true });
    expect(await readlink(join(dir, 'p'))).toBe('later');
  });

  it.each([
    { name: 'no path', params: { state: 'directory' } },
    { name: 'link without src', params: { path: '/tmp/x', state: 'link' } },
    { name: 'unknown state', params: { path: '/tmp/x', state: 'fifo' } },
    { name: 'bad time', params: { path: '/tmp/x', state: 'touch', modification_time: 'yesterday' } },
  ])('rejects invalid params: $name', async ({ params }) => {
    await expect(runModule(file, params)).rejects.toBeInstanceOf(InvalidParams);
  });
});
