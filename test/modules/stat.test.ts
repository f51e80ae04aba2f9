import { createHash } from 'node:crypto';
import { chmod, mkdir, stat as fsStat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import stat from '../../src/modules/stat.js';
import { InvalidParams, runModule, snapshotTree, tempDir } from '../helpers/module-harness.js';

const hash = (alg: string, s: string): string => createHash(alg).update(s).digest('hex');

describe('stat', () => {
  it.each([
    { name: 'regular file', setup: async (d: string) => { await writeFile(join(d, 'f'), 'hello'); await chmod(join(d, 'f'), 0o640); }, path: 'f', params: {},
      expected: { exists: true, isreg: true, isdir: false, islnk: false, mode: '0640', size: 5, checksum: hash('sha256', 'hello'), rusr: true, wgrp: false, pw_name: 'root' } },
    { name: 'sha1 checksum', setup: async (d: string) => writeFile(join(d, 'f'), 'hello'), path: 'f', params: { checksum_algorithm: 'sha1' }, expected: { checksum: hash('sha1', 'hello') } },
    { name: 'directory', setup: async (d: string) => mkdir(join(d, 'sub')), path: 'sub', params: {}, expected: { exists: true, isdir: true, isreg: false } },
    { name: 'symlink not followed', setup: async (d: string) => { await writeFile(join(d, 'f'), 'x'); await symlink('f', join(d, 'l')); }, path: 'l', params: {},
      expected: { exists: true, islnk: true, lnk_target: 'f' } },
    { name: 'symlink followed', setup: async (d: string) => { await writeFile(join(d, 'f'), 'x'); await symlink('f', join(d, 'l')); }, path: 'l', params: { follow: true },
      expected: { exists: true, islnk: false, isreg: true, size: 1 } },
    { name: 'dangling symlink followed', setup: async (d: string) => symlink('nowhere', join(d, 'l')), path: 'l', params: { follow: true }, expected: { exists: false } },
    { name: 'missing path', setup: async () => undefined, path: 'none', params: {}, expected: { exists: false } },
  ])('$name', async ({ setup, path, params, expected }) => {
    const dir = await tempDir();
    await setup(dir);
    const before = await snapshotTree(dir);
    const r = await runModule(stat, { path: join(dir, path), ...params });
    expect(r.changed).toBe(false);
    expect(r.result.stat).toMatchObject(expected);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('reports mtime and no checksum when get_checksum is false', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'f'), 'x');
    const r = await runModule(stat, { path: join(dir, 'f'), get_checksum: false });
    const s = r.result.stat as Record<string, unknown>;
    expect(s.checksum).toBeUndefined();
    expect(s.mtime).toBe(Math.floor((await fsStat(join(dir, 'f'))).mtimeMs / 1000));
  });

  it.each([{ params: {} }, { params: { path: '/x', checksum_algorithm: 'crc32' } }])('rejects invalid params %#', async ({ params }) => {
    await expect(runModule(stat, params)).rejects.toBeInstanceOf(InvalidParams);
  });
});
