/**
 * Differential tests: every fixture inventory is shown by ansible-inventory
 * (--list, --graph, --graph GROUP) and by tsplay; groups, hosts, children,
 * merged hostvars and the graph text must be identical. ansible-inventory
 * already drops its internal variables (inventory_file, inventory_dir, ...), so
 * nothing is stripped from its output. Ansible runs once per fixture and view,
 * all in parallel, before the tests.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { inventoryGraph, inventoryList, toAnsibleJson } from '../../../src/engine/inventory/ansible-output.js';
import { loadInventory } from '../../../src/engine/inventory/load.js';

const run = promisify(execFile);
const ANSIBLE = '/usr/bin/ansible-inventory';
const FIXTURES = join(import.meta.dirname, '../../fixtures/inventories');

interface Fixture {
  readonly name: string;
  readonly sources: readonly string[];
  readonly playbookDir?: string;
  readonly graphGroups: readonly string[];
}

const fixtures: readonly Fixture[] = [
  { name: 'nested', sources: ['nested/hosts.yml'], graphGroups: ['all', 'prod', 'staging', 'frontend'] },
  { name: 'priority', sources: ['priority/inventory.yaml'], graphGroups: ['all', 'parent'] },
  { name: 'vars-dirs', sources: ['vars-dirs/inventory.yml'], graphGroups: ['all'] },
  { name: 'directory', sources: ['directory'], graphGroups: ['all', 'workers'] },
  { name: 'toplevel', sources: ['toplevel/hosts.yml'], graphGroups: ['all', 'ungrouped', 'parent_of_strings'] },
  { name: 'multi', sources: ['multi/a/hosts.yml', 'multi/b/inv.yml'], playbookDir: 'multi/playbooks', graphGroups: ['all', 'web'] },
  { name: 'diamond', sources: ['diamond/hosts.yml'], graphGroups: ['all', 'left'] },
];

const canRunAnsible = existsSync(ANSIBLE);

async function ansible(f: Fixture, view: string[]): Promise<string> {
  const args = f.sources.flatMap((s) => ['-i', join(FIXTURES, s)]);
  if (f.playbookDir) args.push('--playbook-dir', join(FIXTURES, f.playbookDir));
  const { stdout } = await run(ANSIBLE, [...args, ...view], {
    cwd: tmpdir(),
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_DEPRECATION_WARNINGS: 'false', ANSIBLE_LOCALHOST_WARNING: 'false' },
  });
  return stdout;
}

const expected = new Map<string, { list: unknown; graphs: Map<string, string> }>();

beforeAll(async () => {
  if (!canRunAnsible) return;
  await Promise.all(
    fixtures.map(async (f) => {
      const [list, ...graphs] = await Promise.all([
        ansible(f, ['--list']),
        ...f.graphGroups.map((g) => ansible(f, ['--graph', g])),
      ]);
      expected.set(f.name, {
        list: JSON.parse(list ?? 'null'),
        graphs: new Map(f.graphGroups.map((g, i) => [g, (graphs[i] ?? '').trimEnd()])),
      });
    }),
  );
}, 120_000);

function tsplay(f: Fixture) {
  return loadInventory(
    f.sources.map((s) => join(FIXTURES, s)),
    f.playbookDir ? { extraVarsDirs: [join(FIXTURES, f.playbookDir)] } : {},
  );
}

describe.skipIf(!canRunAnsible).each(fixtures)('inventory $name matches ansible-inventory', (f) => {
  it('--list: groups, hosts, children and merged hostvars', () => {
    const ours = JSON.parse(toAnsibleJson(inventoryList(tsplay(f)))) as unknown;
    expect(ours).toEqual(expected.get(f.name)?.list);
  });

  it.each(f.graphGroups)('--graph %s', (group) => {
    expect(inventoryGraph(tsplay(f), group)).toBe(expected.get(f.name)?.graphs.get(group));
  });
});
