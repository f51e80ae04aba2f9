/**
 * Every playbook the project ships passes `--syntax-check` against the
 * inventory it is written for, and site.yml strings the stages together
 * with their tags (so `--tags nsx` and the like select one stage).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from './cli-harness.js';

const playbooks = readdirSync(join(ROOT, 'playbooks')).filter((f) => f.endsWith('.yml'));
const inventoryFor = (name: string): string => (name === 'demo.yml' ? 'inventory/local' : 'inventory/poc');

describe('the project playbooks', () => {
  it.each(playbooks)('%s passes --syntax-check', async (name) => {
    const r = await cli([`playbooks/${name}`, '-i', inventoryFor(name), '--syntax-check'], { cwd: ROOT });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('site.yml runs the stages in order, each under its tag', async () => {
    const r = await cli(['playbooks/site.yml', '-i', 'inventory/poc', '--list-tags'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const plays = [...r.stdout.matchAll(/play #\d+ \(([^)]+)\): .*TAGS: \[([^\]]*)\]/g)].map((m) => [m[1], m[2]]);
    expect(plays).toEqual([
      ['vcenter', 'vms'],
      ['nsx', 'nsx'],
      ['cp:workers', 'prepare'],
    ]);
  });
});
