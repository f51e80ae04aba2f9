import { describe, expect, it } from 'vitest';
import { accessTime, directoryEmpty, fileDigest, fileIdentity, globMatches, isMountPoint, pathExists, resolvedPath, treeAttributes } from '../../../src/modules/probes/files.js';
import { expectProbe } from './probe-table.js';

describe('path probes: commands quote the path', () => {
  it.each([
    [pathExists.command("a b'c"), "test -e 'a b'\\''c'"],
    [fileIdentity.command('/x y'), "stat -L -c %d:%i '/x y'"],
    [resolvedPath.command('/l'), 'readlink -f /l'],
    [accessTime.command('/f'), 'stat -c %X /f'],
    [fileDigest.command({ algorithm: 'sha1', path: '/f g' }), "sha1sum '/f g'"],
    [directoryEmpty.command('/d'), 'find /d -mindepth 1 -print -quit'],
  ])('%s', (command, expected) => expect(command).toBe(expected));
});

describe('path probes: output → value', () => {
  it.each([
    { name: 'exists', args: '/x', value: true },
    { name: 'missing or a dangling link', args: '/x', exitCode: 1, value: false },
  ])('pathExists: $name', (c) => expectProbe(pathExists, c));

  it.each([
    { name: 'a match', args: '/x/*.conf', value: true },
    { name: 'no match', args: '/x/*.conf', exitCode: 1, value: false },
    { name: 'the shell fails', args: '/x/*.conf', exitCode: 2, stderr: 'sh: bad', error: /^cannot test whether \/x\/\*\.conf exists: sh: bad$/ },
  ])('globMatches: $name', (c) => expectProbe(globMatches, c));

  it.each([
    { name: 'dev:ino', args: '/x', stdout: '2049:131077\n', value: '2049:131077' },
    { name: 'missing', args: '/x', exitCode: 1, stderr: 'stat: cannot statx', value: null },
  ])('fileIdentity: $name', (c) => expectProbe(fileIdentity, c));

  it.each([
    { name: 'empty', args: '/d', stdout: '', value: true },
    { name: 'not empty', args: '/d', stdout: '/d/a\n', value: false },
    { name: 'unreadable', args: '/d', exitCode: 1, stderr: 'find: Permission denied', error: /^listing \/d failed: find: Permission denied$/ },
  ])('directoryEmpty: $name', (c) => expectProbe(directoryEmpty, c));

  it.each([
    { name: 'first word of sha256sum', args: { algorithm: 'sha256', path: '/f' }, stdout: 'abc123  /f\n', value: 'abc123' },
    { name: 'fails', args: { algorithm: 'md5', path: '/f' }, exitCode: 1, stderr: 'md5sum: /f: No such file', error: /^checksum of \/f failed: md5sum: \/f: No such file$/ },
  ])('fileDigest: $name', (c) => expectProbe(fileDigest, c));

  it.each([
    { name: 'resolved, final newline dropped', args: '/l', stdout: '/real/path\n', value: '/real/path' },
    { name: 'fails', args: '/l', exitCode: 1, error: /^resolving \/l failed: exit 1$/ },
  ])('resolvedPath: $name', (c) => expectProbe(resolvedPath, c));

  it.each([
    { name: 'epoch seconds', args: '/f', stdout: '1700000000\n', value: 1700000000 },
    { name: 'fails', args: '/f', exitCode: 1, stderr: 'stat: x', error: /^reading access time of \/f failed: stat: x$/ },
  ])('accessTime: $name', (c) => expectProbe(accessTime, c));

  it.each([
    { name: 'a mount point', args: '/etc/hosts', value: true },
    { name: 'not one', args: '/etc/hosts', exitCode: 1, value: false },
  ])('isMountPoint: $name', (c) => expectProbe(isMountPoint, c));

  it('isMountPoint escapes the path as mountinfo does (space \\040)', () => {
    expect(isMountPoint.command('/a b')).toContain('/a\\\\040b');
  });

  it.each([
    {
      name: 'entries with mode and owners',
      args: '/d',
      stdout: '755\troot\troot\t0\t0\td\n644\twww\twww\t33\t33\tf\n',
      value: [
        { mode: '755', user: 'root', group: 'root', uid: '0', gid: '0', type: 'd' },
        { mode: '644', user: 'www', group: 'www', uid: '33', gid: '33', type: 'f' },
      ],
    },
    { name: 'empty', args: '/d', stdout: '', value: [] },
    { name: 'fails', args: '/d', exitCode: 1, stderr: 'find: x', error: /^listing \/d failed: find: x$/ },
  ])('treeAttributes: $name', (c) => expectProbe(treeAttributes, c));
});
