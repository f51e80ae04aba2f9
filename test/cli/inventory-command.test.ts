import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInventoryCommand, type InventoryCommandOptions } from '../../src/cli/commands/inventory.js';
import { MASK, Secret } from '../../src/engine/secret.js';
import { loadYamlFile } from '../../src/engine/yaml/load.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/inventories');

function capture(opts: InventoryCommandOptions): { code: number; out: string } {
  let out = '';
  const code = runInventoryCommand(opts, (t) => (out += t));
  return { code, out };
}

describe('runInventoryCommand', () => {
  it('--list prints ansible-inventory JSON with sorted keys and four-space indent', () => {
    const { code, out } = capture({ sources: [join(FIXTURES, 'vars-dirs/inventory.yml')], list: true });
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['_meta', 'all', 'cache', 'db', 'web']);
    expect(parsed['all']).toEqual({ children: ['ungrouped', 'web', 'db', 'cache'] });
    expect(out).toContain('\n    "all": {\n        "children": [\n');
  });

  it('--graph GROUP prints the subtree', () => {
    const { code, out } = capture({ sources: [join(FIXTURES, 'nested/hosts.yml')], graph: 'web' });
    expect(code).toBe(0);
    expect(out.split('\n').slice(0, 3)).toEqual(['@web:', '  |--@frontend:', '  |  |--web2']);
  });

  it('--host prints merged vars with secrets masked', () => {
    const readYaml = (file: string): unknown => {
      const data = loadYamlFile(file);
      return file.endsWith('web2.yml') ? { ...(data as object), db_password: new Secret('s3cr3t-value') } : data;
    };
    const { code, out } = capture({ sources: [join(FIXTURES, 'nested/hosts.yml')], host: 'web2', readYaml });
    expect(code).toBe(0);
    expect(out).not.toContain('s3cr3t-value');
    expect(JSON.parse(out)).toMatchObject({ db_password: MASK, http_port: 9090, role: 'host_vars_edge' });
  });

  it.each([
    { name: 'unknown host', opts: { sources: [join(FIXTURES, 'nested/hosts.yml')], host: 'nope' }, code: 5, text: 'nope' },
    { name: 'unknown graph group', opts: { sources: [join(FIXTURES, 'nested/hosts.yml')], graph: 'nope' }, code: 5, text: 'nope' },
    { name: 'two views', opts: { sources: [join(FIXTURES, 'nested/hosts.yml')], list: true, host: 'web1' }, code: 5, text: '--list' },
    { name: 'missing inventory', opts: { sources: ['/nope/hosts.yml'] }, code: 4, text: '/nope/hosts.yml' },
    { name: 'no inventory', opts: { sources: [] }, code: 5, text: '-i' },
  ])('$name → exit $code', ({ opts, code, text }) => {
    const r = capture(opts);
    expect(r.code).toBe(code);
    expect(r.out).toMatch(/^ERROR: /);
    expect(r.out).toContain(text);
  });
});
