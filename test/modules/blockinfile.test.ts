import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import blockinfile from '../../src/modules/blockinfile.js';
import { expectConverges, InvalidParams, runModule, snapshotTree, tempDir } from '../helpers/module-harness.js';

const B = '# BEGIN ANSIBLE MANAGED BLOCK\n';
const E = '# END ANSIBLE MANAGED BLOCK\n';

const cases = [
  { name: 'appended at EOF', before: 'a\n', params: { block: 'x=1\ny=2' }, after: `a\n${B}x=1\ny=2\n${E}` },
  { name: 'newline added before the block', before: 'a', params: { block: 'x' }, after: `a\n${B}x\n${E}` },
  { name: 'existing block replaced in place', before: `a\n${B}old\n${E}z\n`, params: { block: 'new' }, after: `a\n${B}new\n${E}z\n` },
  { name: 'insertbefore BOF', before: 'a\n', params: { block: 'x', insertbefore: 'BOF' }, after: `${B}x\n${E}a\n` },
  { name: 'insertafter a regexp', before: 'a\nb\nc\n', params: { block: 'x', insertafter: '^b' }, after: `a\nb\n${B}x\n${E}c\n` },
  { name: 'insertbefore a regexp', before: 'a\nb\n', params: { block: 'x', insertbefore: '^b' }, after: `a\n${B}x\n${E}b\n` },
  { name: 'custom marker', before: '', params: { block: 'x', marker: '// {mark} app', marker_begin: 'start', marker_end: 'stop' }, after: '// start app\nx\n// stop app\n' },
  { name: 'state absent removes the block', before: `a\n${B}x\n${E}b\n`, params: { state: 'absent' }, after: 'a\nb\n' },
  { name: 'empty block removes the block', before: `${B}x\n${E}`, params: { block: '' }, after: '' },
  { name: 'created with create', before: null, params: { block: 'x', create: true }, after: `${B}x\n${E}` },
];

describe('blockinfile', () => {
  it('create makes missing parent directories too; check predicts it and makes nothing', async () => {
    const dir = await tempDir();
    const path = join(dir, 'etc/new/hosts.conf');
    await expectConverges(blockinfile, { path, block: 'a\nb', create: true }, dir, { expectChanged: true });
    expect(await readFile(path, 'utf8')).toBe('# BEGIN ANSIBLE MANAGED BLOCK\na\nb\n# END ANSIBLE MANAGED BLOCK\n');
  });

  it.each(cases)('$name', async ({ before, params, after }) => {
    const dir = await tempDir();
    const path = join(dir, 'conf');
    if (before !== null) await writeFile(path, before);
    const r = await expectConverges(blockinfile, { ...params, path }, dir, { expectChanged: true });
    expect(await readFile(path, 'utf8')).toBe(after);
    expect(r.plan.diff).toEqual([{ label: path, before: before ?? '', after }]);
  });

  it('a block written by Ansible is recognised: unchanged', async () => {
    const dir = await tempDir();
    const path = join(dir, 'conf');
    await writeFile(path, `a\n${B}x\n${E}`);
    await expectConverges(blockinfile, { path, block: 'x\n' }, dir, { expectChanged: false });
  });

  it('absent from a missing file is unchanged; present without create fails', async () => {
    const dir = await tempDir();
    const path = join(dir, 'conf');
    await expectConverges(blockinfile, { path, state: 'absent' }, dir, { expectChanged: false });
    await expect(runModule(blockinfile, { path, block: 'x' })).rejects.toThrow(/does not exist/);
  });

  it('a failing validate leaves the file whole; backup keeps the old one', async () => {
    const dir = await tempDir();
    const path = join(dir, 'conf');
    await writeFile(path, 'ok\n');
    const before = await snapshotTree(dir);
    await expect(runModule(blockinfile, { path, block: 'x', validate: 'false %s' })).rejects.toThrow(/failed to validate/);
    expect(await snapshotTree(dir)).toEqual(before);
    const r = await runModule(blockinfile, { path, block: 'x', backup: true });
    expect(await readFile(String(r.result.backup_file), 'utf8')).toBe('ok\n');
  });

  it.each([{ params: { block: 'x' } }, { params: { path: '/tmp/x', insertafter: 'a', insertbefore: 'b' } }, { params: { path: '/tmp/x', state: 'maybe' } }])(
    'rejects invalid params %#',
    async ({ params }) => {
      await expect(runModule(blockinfile, params)).rejects.toBeInstanceOf(InvalidParams);
    },
  );
});
