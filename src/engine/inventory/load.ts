/**
 * Loads inventories: every `-i` source (file or directory, in the order given),
 * then group_vars/ and host_vars/ beside each source and in the caller's extra
 * directories. All file reading goes through `readYaml`, so a vault-aware
 * reader can decrypt vaulted files.
 */
import { resolve } from 'node:path';
import { loadYamlFile } from '../yaml/load.js';
import { InventoryBuilder } from './builder.js';
import { Inventory } from './inventory.js';
import { LOCALHOST_NAMES, type ReadYaml } from './model.js';
import { expandSource } from './sources.js';
import { loadVarsDir } from './vars-dirs.js';
import { parseYamlInventory } from './yaml-inventory.js';

export interface LoadInventoryOptions {
  /** directories whose group_vars/ and host_vars/ apply after the sources' (project root, playbook dir) */
  readonly extraVarsDirs?: readonly string[];
  readonly readYaml?: ReadYaml;
}

const defaultReadYaml: ReadYaml = (file) => loadYamlFile(file);

export function loadInventory(sources: readonly string[], opts: LoadInventoryOptions = {}): Inventory {
  const readYaml = opts.readYaml ?? defaultReadYaml;
  const expanded = sources.map(expandSource);
  const builder = new InventoryBuilder();
  for (const source of expanded) {
    for (const file of source.files) parseYamlInventory(readYaml(file), file, builder);
  }
  const built = builder.build();
  const groupNames = [...built.groups.keys()];
  const hostNames = [...built.hosts.keys(), ...LOCALHOST_NAMES.filter((n) => !built.hosts.has(n))];
  const varsDir = (dir: string) => loadVarsDir(dir, groupNames, hostNames, readYaml);
  return new Inventory({
    hosts: built.hosts,
    groups: built.groups,
    sourceVarsDirs: expanded.map((s) => varsDir(s.varsDir)),
    extraVarsDirs: (opts.extraVarsDirs ?? []).map((d) => varsDir(resolve(d))),
    sources: expanded.map((s) => s.source),
    warnings: built.warnings,
  });
}

/**
 * The inventory used when no `-i` is given: no hosts, only `all` and
 * `ungrouped`. Patterns `localhost`, `127.0.0.1` and `::1` still match an
 * implicit localhost with `ansible_connection: local`, as in Ansible.
 */
export function localhostInventory(opts: LoadInventoryOptions = {}): Inventory {
  return loadInventory([], opts);
}
