import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import lineinfile from '../../src/modules/lineinfile.js';
import { expectConverges, InvalidParams, runModule, snapshotTree, tempDir } from '../helpers/module-harness.js';

interface Case {
  name: string;
  before: string | null;
  params: Record<string, unknown>;
  after: string | null;
}

const cases: Case[] = [
  { name: 'regexp replaces the last match', before: 'a=1\nb=2\na=3\n', params: { regexp: '^a=', line: 'a=9' }, after: 'a=1\nb=2\na=9\n' },
  { name: 'firstmatch replaces the first', before: 'a=1\nb=2\na=3\n', params: { regexp: '^a=', line: 'a=9', firstmatch: true }, after: 'a=9\nb=2\na=3\n' },
  { name: 'no match: appended at EOF', before: 'x\n', params: { regexp: '^y', line: 'y=1' }, after: 'x\ny=1\n' },
  { name: 'no final newline: one is added first', before: 'x', params: { line: 'y' }, after: 'x\ny\n' },
  { name: 'insertafter a regexp', before: '[main]\nfoo\n[other]\n', params: { line: 'k=v', insertafter: '^\\[main\\]' }, after: '[main]\nk=v\nfoo\n[other]\n' },
  { name: 'insertafter the last of several matches', before: '#a\n#b\nc\n', params: { line: 'k', insertafter: '^#' }, after: '#a\n#b\nk\nc\n' },
  { name: 'insertafter with no match: EOF', before: 'a\n', params: { line: 'k', insertafter: '^zzz' }, after: 'a\nk\n' },
  { name: 'insertbefore BOF', before: 'a\n', params: { line: '#hdr', insertbefore: 'BOF' }, after: '#hdr\na\n' },
  { name: 'insertbefore a regexp', before: 'a\nb\n', params: { line: 'z', insertbefore: '^b' }, after: 'a\nz\nb\n' },
  { name: 'regexp wins over insertafter', before: 'a\nport=1\n', params: { regexp: '^port=', line: 'port=2', insertafter: '^a' }, after: 'a\nport=2\n' },
  { name: 'backrefs expand groups', before: 'port 80\n', params: { regexp: '^port (\\d+)$', line: 'listen \\1', backrefs: true }, after: 'listen 80\n' },
  { name: 'backrefs with Python named groups', before: 'user=bob\n', params: { regexp: '^user=(?P<u>\\w+)$', line: 'owner=\\g<u>', backrefs: true }, after: 'owner=bob\n' },
  { name: 'search_string replaces literally', before: 'PermitRootLogin yes\n', params: { search_string: 'PermitRootLogin', line: 'PermitRootLogin no' }, after: 'PermitRootLogin no\n' },
  { name: 'create a missing file', before: null, params: { line: 'first', create: true }, after: 'first\n' },
  { name: 'absent by regexp removes every match', before: 'a\n#c\nb\n#d\n', params: { regexp: '^#', state: 'absent' }, after: 'a\nb\n' },
  { name: 'absent by line', before: 'a\nb\na\n', params: { line: 'a', state: 'absent' }, after: 'b\n' },
];

const unchanged: Case[] = [
  { name: 'line already present', before: 'a\nb\n', params: { line: 'b' }, after: 'a\nb\n' },
  { name: 'backrefs and no match: nothing inserted', before: 'a\n', params: { regexp: '^port (\\d+)$', line: 'listen \\1', backrefs: true }, after: 'a\n' },
  { name: 'absent from a missing file', before: null, params: { line: 'a', state: 'absent' }, after: null },
  { name: 'regexp matches the wanted line', before: 'port=2\n', params: { regexp: '^port=', line: 'port=2' }, after: 'port=2\n' },
];

async function setup(before: string | null): Promise<{ dir: string; path: string }> {
  const dir = await tempDir();
  const path = join(dir, 'conf');
  if (before !== null) await writeFile(path, before);
  return { dir, path };
}

describe('lineinfile', () => {
  it.each(cases)('$name', async ({ before, params, after }) => {
    const { dir, path } = await setup(before);
    const r = await expectConverges(lineinfile, { ...params, path }, dir, { expectChanged: true });
    expect(await readFile(path, 'utf8')).toBe(after);
    expect(r.plan.diff).toEqual([{ label: path, before: before ?? '', after }]);
  });

  it.each(unchanged)('unchanged: $name', async ({ before, params, after }) => {
    const { dir, path } = await setup(before);
    await expectConverges(lineinfile, { ...params, path }, dir, { expectChanged: false });
    expect(before === null ? null : await readFile(path, 'utf8')).toBe(after);
  });

  it('registers how many lines were removed', async () => {
    const { path } = await setup('x\nx\ny\n');
    expect((await runModule(lineinfile, { path, line: 'x', state: 'absent' })).result.found).toBe(2);
  });

  it('mode alone is a change; dest alias works', async () => {
    const { dir, path } = await setup('a\n');
    const r = await expectConverges(lineinfile, { dest: path, line: 'a', mode: '0600' }, dir, { expectChanged: true });
    expect(r.plan.diff).toEqual([{ label: path, before: { path, mode: '0644' }, after: { path, mode: '0600' } }]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('backup and validate: a failing validate leaves the file whole', async () => {
    const { dir, path } = await setup('ok\n');
    const before = await snapshotTree(dir);
    await expect(runModule(lineinfile, { path, line: 'bad', validate: 'sh -c "! grep -q bad %s"', backup: true })).rejects.toThrow(/failed to validate/);
    expect(await snapshotTree(dir)).toEqual(before);
    const r = await runModule(lineinfile, { path, line: 'fine', validate: 'grep -q fine %s', backup: true });
    expect(await readFile(String(r.result.backup), 'utf8')).toBe('ok\n');
  });

  it('create makes missing parent directories too, as Ansible does; check predicts it and makes nothing', async () => {
    const dir = await tempDir();
    const path = join(dir, 'a/b/conf');
    const r = await expectConverges(lineinfile, { path, line: 'first', create: true }, dir, { expectChanged: true });
    expect(await readFile(path, 'utf8')).toBe('first\n');
    expect((await stat(join(dir, 'a'))).isDirectory()).toBe(true);
    expect(r.plan.summary).toBe(`line added (file created), in new directory ${join(dir, 'a/b')}`);
    expect(r.plan.effects?.map((e) => [e.path, e.state])).toEqual([
      [join(dir, 'a'), 'directory'],
      [join(dir, 'a/b'), 'directory'],
      [path, 'file'],
    ]);
  });

  it('create fails clearly when something in the way is not a directory, writing nothing', async () => {
    const { dir } = await setup(null);
    await writeFile(join(dir, 'plain'), 'x');
    const before = await snapshotTree(dir);
    await expect(runModule(lineinfile, { path: join(dir, 'plain/sub/conf'), line: 'x', create: true })).rejects.toThrow(`${join(dir, 'plain')} is not a directory`);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('a missing file without create fails', async () => {
    const { path } = await setup(null);
    await expect(runModule(lineinfile, { path, line: 'x' })).rejects.toThrow(/does not exist/);
  });

  it.each([
    { name: 'no path', params: { line: 'x' } },
    { name: 'present without line', params: { path: '/tmp/x', regexp: 'a' } },
    { name: 'insertafter with insertbefore', params: { path: '/tmp/x', line: 'x', insertafter: 'a', insertbefore: 'b' } },
    { name: 'regexp with search_string', params: { path: '/tmp/x', line: 'x', regexp: 'a', search_string: 'b' } },
    { name: 'backrefs without regexp', params: { path: '/tmp/x', line: 'x', backrefs: true } },
    { name: 'bad state', params: { path: '/tmp/x', line: 'x', state: 'gone' } },
  ])('rejects invalid params: $name', async ({ params }) => {
    await expect(runModule(lineinfile, params)).rejects.toBeInstanceOf(InvalidParams);
  });
});
