import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostPatternError } from '../../../src/engine/inventory/errors.js';
import { loadInventory, localhostInventory } from '../../../src/engine/inventory/load.js';
import { matchHosts, splitHostPattern } from '../../../src/engine/inventory/patterns.js';

const inv = loadInventory([join(import.meta.dirname, '../../fixtures/inventories/nested/hosts.yml')]);

describe('splitHostPattern', () => {
  it.each([
    ['web:db', ['web', 'db']],
    ['web, db ,x', ['web', 'db', 'x']],
    ['web[1:2]:&db', ['web[1:2]', '&db']],
    ['fe80::1', ['fe80::1']],
    ['a:!b', ['a', '!b']],
  ])('%s', (pattern, parts) => {
    expect(splitHostPattern(pattern)).toEqual(parts);
  });
});

describe('matchHosts (cases Ansible cannot check here)', () => {
  it.each(['~web(', 'web:!', 'web:&', 'web]', 'web[1:2'])('rejects %s', (pattern) => {
    expect(() => matchHosts(inv, pattern)).toThrow(HostPatternError);
  });

  it('errors when an index is out of range', () => {
    expect(() => matchHosts(inv, 'web[40]')).toThrow(/no hosts matched the subscripted pattern/);
  });

  it('returns an implicit localhost from an empty inventory', () => {
    expect(matchHosts(localhostInventory(), 'localhost')).toEqual({ hosts: ['localhost'], warnings: [] });
    expect(matchHosts(localhostInventory(), 'all')).toEqual({ hosts: [], warnings: [] });
  });

  it('warns once per unknown name', () => {
    expect(matchHosts(inv, 'nope:nope:web1').warnings).toEqual(['Could not match supplied host pattern, ignoring: nope']);
  });
});
