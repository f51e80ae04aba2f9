import { describe, expect, it } from 'vitest';
import { DiffGroups } from '../../../src/engine/output/diff-groups.js';
import { formatPath } from '../../../src/engine/output/object-diff.js';
import { renderDiff } from '../../../src/engine/output/render-diff.js';
import type { Diff } from '../../../src/engine/module.js';

describe('renderDiff', () => {
  const cases: { name: string; diff: Diff; expected: string[] }[] = [
    { name: 'equal texts', diff: { label: 'f', before: 'a\n', after: 'a\n' }, expected: [] },
    { name: 'no sides', diff: { label: 'f' }, expected: [] },
    {
      name: 'new file',
      diff: { label: '/etc/x', after: 'one\ntwo\n' },
      expected: ['--- before: /etc/x', '+++ after: /etc/x', '@@ -0,0 +1,2 @@', '+one', '+two'],
    },
    {
      name: 'removed file',
      diff: { label: '/etc/x', before: 'one\n', after: '' },
      expected: ['--- before: /etc/x', '+++ after: /etc/x', '@@ -1,1 +0,0 @@', '-one'],
    },
    {
      name: 'three lines of context',
      diff: { label: 'f', before: '1\n2\n3\n4\n5\n6\n7\n8\n9\n', after: '1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n' },
      expected: ['--- before: f', '+++ after: f', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+FIVE', ' 6', ' 7', ' 8'],
    },
    {
      name: 'object changes',
      diff: { label: 'user/bob', before: { uid: 1000, groups: ['a', 'b'], shell: '/bin/sh' }, after: { uid: 1001, groups: ['a'], home: '/home/bob' } },
      expected: ['--- before: user/bob', '+++ after: user/bob', '~ uid: 1000 → 1001', '- groups[1]: "b"', '- shell: "/bin/sh"', '+ home: "/home/bob"'],
    },
    {
      name: 'object created from nothing',
      diff: { label: 'svc', after: { enabled: true } },
      expected: ['--- before: svc', '+++ after: svc', '+ enabled: true'],
    },
    {
      name: 'arrays',
      diff: { label: 'pkgs', before: ['vim'], after: ['vim', { name: 'git' }] },
      expected: ['--- before: pkgs', '+++ after: pkgs', '+ [1]: {"name":"git"}'],
    },
    {
      name: 'text against object compares JSON text',
      diff: { label: 'mixed', before: 'x\n', after: { a: 1 } },
      expected: ['--- before: mixed', '+++ after: mixed', '@@ -1,1 +1,3 @@', '-x', '+{', '+  "a": 1', '+}'],
    },
    { name: 'equal objects', diff: { label: 'o', before: { a: [1] }, after: { a: [1] } }, expected: [] },
  ];
  it.each(cases)('$name', ({ diff, expected }) => {
    expect(renderDiff(diff)).toEqual(expected);
  });
});

describe('formatPath', () => {
  it.each([
    { path: ['spec', 'rules', 2], expected: 'spec.rules[2]' },
    { path: [0, 'name'], expected: '[0].name' },
    { path: ['metadata', 'labels', 'app.kubernetes.io/name'], expected: 'metadata.labels["app.kubernetes.io/name"]' },
    { path: ['with space'], expected: '["with space"]' },
  ])('$expected', ({ path, expected }) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe('DiffGroups', () => {
  const a: Diff = { label: 'f', before: '1\n', after: '2\n' };
  const b: Diff = { label: 'g', before: '1\n', after: '3\n' };
  it('groups identical diffs across hosts, first seen first, and empties on take', () => {
    const g = new DiffGroups();
    g.add('h1', [a, b]);
    g.add('h2', [a]);
    g.add('h3', [b, { label: 'same', before: 'x', after: 'x' }]);
    g.add('h2', [a]);
    expect(g.take().map((x) => [x.lines.at(-1), x.hosts])).toEqual([
      ['+2', ['h1', 'h2']],
      ['+3', ['h1', 'h3']],
    ]);
    expect(g.take()).toEqual([]);
  });
});
