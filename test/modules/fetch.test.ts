/** fetch, host and controller both the local filesystem (the harness's local connection). */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fetch, { localPath } from '../../src/modules/fetch.js';
import { InvalidParams, runModule, snapshotTree, tempDir } from '../helpers/module-harness.js';

const modeOf = async (p: string): Promise<number> => (await stat(p)).mode & 0o7777;

describe('fetch', () => {
  it.each([
    ['dest/<host>/<src> by default', 'web1', '/etc/kubernetes/admin.conf', '/out', false, '/out/web1/etc/kubernetes/admin.conf'],
    ['flat: dest itself', 'web1', '/etc/kubernetes/admin.conf', '/out/lab.conf', true, '/out/lab.conf'],
    ['flat with a trailing /: the file\'s name in that directory', 'web1', '/etc/kubernetes/admin.conf', '/out/', true, '/out/admin.conf'],
  ])('%s', (_n, host, src, dest, flat, expected) => expect(localPath(host, src, dest, flat)).toBe(expected));

  it('fetches once (check predicts it and writes nothing), with the mode asked for; a rerun changes nothing', async () => {
    const dir = await tempDir();
    const src = join(dir, 'admin.conf');
    await writeFile(src, 'apiVersion: v1\nkind: Config\nusers: [{name: admin, user: {token: secret-token-xyz}}]\n');
    const dest = join(dir, 'out', 'lab.conf');
    const params = { src, dest, flat: true, mode: '0600' };
    const before = await snapshotTree(dir);
    const check = await runModule(fetch, params, { check: true, diff: true });
    expect(check.changed).toBe(true);
    expect(await snapshotTree(dir)).toEqual(before);
    expect(JSON.stringify(check.plan.diff)).not.toContain('secret-token-xyz');
    const run = await runModule(fetch, params, { diff: true });
    expect(run.changed).toBe(true);
    expect(await readFile(dest, 'utf8')).toBe(await readFile(src, 'utf8'));
    expect(await modeOf(dest)).toBe(0o600);
    expect(run.result).toMatchObject({ dest, checksum: check.result.remote_checksum });
    expect((await runModule(fetch, params)).changed).toBe(false);
    // a changed source is fetched again; a changed mode is put back
    await writeFile(src, 'changed\n');
    expect((await runModule(fetch, params)).changed).toBe(true);
    expect(await readFile(dest, 'utf8')).toBe('changed\n');
  });

  it('a missing source fails, unless fail_on_missing is false', async () => {
    const dir = await tempDir();
    const params = { src: join(dir, 'nope'), dest: join(dir, 'x'), flat: true };
    await expect(runModule(fetch, params)).rejects.toThrow(`the remote file does not exist: ${join(dir, 'nope')}`);
    const r = await runModule(fetch, { ...params, fail_on_missing: false });
    expect(r.changed).toBe(false);
  });

  it('a directory is refused; src must be absolute', async () => {
    const dir = await tempDir();
    await expect(runModule(fetch, { src: dir, dest: join(dir, 'x'), flat: true })).rejects.toThrow(/is a directory, fetch cannot work on it/);
    await expect(runModule(fetch, { src: 'relative', dest: '/tmp/x' })).rejects.toBeInstanceOf(InvalidParams);
  });
});
