import { describe, expect, it } from 'vitest';
import { expandHostRange, HostRangeSyntax, parseHostKey } from '../../../src/engine/inventory/host-range.js';

describe('expandHostRange', () => {
  it.each([
    ['plain', ['plain']],
    ['cp[1:3]', ['cp1', 'cp2', 'cp3']],
    ['node[01:03]', ['node01', 'node02', 'node03']],
    ['n[08:10]', ['n08', 'n09', 'n10']],
    ['[a:c].example.com', ['a.example.com', 'b.example.com', 'c.example.com']],
    ['x[0:6:3]', ['x0', 'x3', 'x6']],
    ['x[:2]', ['x0', 'x1', 'x2']],
    ['r[1:2]-[a:b]', ['r1-a', 'r1-b', 'r2-a', 'r2-b']],
    ['[y:B]', ['y', 'z', 'A', 'B']],
  ])('%s', (pattern, names) => {
    expect(expandHostRange(pattern)).toEqual(names);
  });

  it.each(['x[1]', 'x[1:]', 'x[01:100]', 'x[3:1', 'x[c:a]', 'x[1:2:0]', 'x[1:z]'])('rejects %s', (pattern) => {
    expect(() => expandHostRange(pattern)).toThrow(HostRangeSyntax);
  });
});

describe('parseHostKey', () => {
  it.each([
    ['db1:2222', { names: ['db1'], port: 2222 }],
    ['web[1:2]:22', { names: ['web1', 'web2'], port: 22 }],
    ['[::1]:2200', { names: ['::1'], port: 2200 }],
    ['10.0.0.1', { names: ['10.0.0.1'] }],
    ['fe80::1', { names: ['fe80::1'] }],
  ])('%s', (key, parsed) => {
    expect(parseHostKey(key)).toEqual(parsed);
  });
});
