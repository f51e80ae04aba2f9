/**
 * A loaded inventory: hosts, groups and variable directories, with the
 * per-instance memo the engine relies on (hostVariables is called per host per
 * task). No cache outlives the instance.
 */
import { mergeHostVariables } from './host-vars.js';
import type { InventoryData, InventoryGroup, InventoryHost, Vars, VarsDir } from './model.js';

export class Inventory implements InventoryData {
  readonly hosts: ReadonlyMap<string, InventoryHost>;
  readonly groups: ReadonlyMap<string, InventoryGroup>;
  readonly sourceVarsDirs: readonly VarsDir[];
  readonly extraVarsDirs: readonly VarsDir[];
  /** the sources it was loaded from (absolute paths) */
  readonly sources: readonly string[];
  /** non-fatal findings, as Ansible's warnings (a host and a group with the same name) */
  readonly warnings: readonly string[];
  readonly #hostVars = new Map<string, Readonly<Vars>>();
  readonly #groupHosts = new Map<string, readonly string[]>();

  constructor(data: InventoryData & { sources: readonly string[]; warnings: readonly string[] }) {
    this.hosts = data.hosts;
    this.groups = data.groups;
    this.sourceVarsDirs = data.sourceVarsDirs;
    this.extraVarsDirs = data.extraVarsDirs;
    this.sources = data.sources;
    this.warnings = data.warnings;
  }

  /** Merged inventory variables of a host (see host-vars.ts); the same frozen object on every call. */
  hostVariables(host: string): Readonly<Vars> {
    let vars = this.#hostVars.get(host);
    if (!vars) {
      vars = Object.freeze(mergeHostVariables(this, host));
      this.#hostVars.set(host, vars);
    }
    return vars;
  }

  /**
   * Every host of a group and of its descendants, without repeats: the group's
   * own hosts, then its children's, level by level, children in written order.
   * (Ansible walks grandchildren in set order; tsplay's order is fixed.)
   */
  groupHosts(group: string): readonly string[] {
    let list = this.#groupHosts.get(group);
    if (!list) {
      list = this.#collectGroupHosts(group);
      this.#groupHosts.set(group, list);
    }
    return list;
  }

  #collectGroupHosts(group: string): string[] {
    const start = this.groups.get(group);
    if (!start) return [];
    const ordered: InventoryGroup[] = [start];
    const seen = new Set<string>([group]);
    for (let i = 0; i < ordered.length; i++) {
      for (const child of ordered[i]?.children ?? []) {
        const g = this.groups.get(child);
        if (g && !seen.has(child)) {
          seen.add(child);
          ordered.push(g);
        }
      }
    }
    const hosts = new Set<string>();
    for (const g of ordered) for (const h of g.hosts) hosts.add(h);
    return [...hosts];
  }
}
