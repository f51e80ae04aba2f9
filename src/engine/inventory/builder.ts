/**
 * Collects hosts, groups and their inventory-file variables while sources are
 * parsed, then applies Ansible's reconcile rules: every group without a parent
 * goes under `all`, hosts in no group go to `ungrouped`, and depths are fixed.
 * One builder per load; nothing is shared between loads.
 */
import { ParseError, type SourceLocation } from '../errors.js';
import type { InventoryGroup, InventoryHost, Vars } from './model.js';

interface MutableGroup {
  name: string;
  vars: Vars;
  priority: number;
  hosts: string[];
  children: string[];
  parents: string[];
}

interface MutableHost {
  name: string;
  vars: Vars;
}

export interface BuiltInventory {
  readonly hosts: ReadonlyMap<string, InventoryHost>;
  readonly groups: ReadonlyMap<string, InventoryGroup>;
  readonly warnings: readonly string[];
}

export class InventoryBuilder {
  readonly #groups = new Map<string, MutableGroup>();
  readonly #hosts = new Map<string, MutableHost>();

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  addGroup(name: string): void {
    if (!this.#groups.has(name)) {
      this.#groups.set(name, { name, vars: {}, priority: 1, hosts: [], children: [], parents: [] });
    }
  }

  /** Adds the host (if new) and places it directly in `group`. */
  addHost(name: string, group: string, port?: number): void {
    let host = this.#hosts.get(name);
    if (!host) {
      host = { name, vars: {} };
      this.#hosts.set(name, host);
    }
    if (port !== undefined) host.vars['ansible_port'] = port;
    const g = this.#group(group);
    if (!g.hosts.includes(name)) g.hosts.push(name);
  }

  setGroupVar(group: string, key: string, value: unknown, where?: SourceLocation): void {
    const g = this.#group(group);
    if (key === 'ansible_group_priority') {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      if (!Number.isInteger(n)) {
        throw new ParseError('E_INVENTORY_STRUCTURE', `ansible_group_priority of group '${group}' must be an integer`, {
          ...(where ? { location: where } : {}),
        });
      }
      g.priority = n;
      return;
    }
    g.vars[key] = value;
  }

  setHostVar(host: string, key: string, value: unknown): void {
    const h = this.#hosts.get(host);
    if (h) h.vars[key] = value;
  }

  /** Makes `child` a child group of `parent`; refuses a loop. */
  addChild(parent: string, child: string, where?: SourceLocation): void {
    const p = this.#group(parent);
    const c = this.#group(child);
    if (p.children.includes(child)) return;
    if (parent === child || this.#ancestors(parent).has(child)) {
      throw new ParseError('E_INVENTORY_GROUP_LOOP', `adding group '${child}' as a child of '${parent}' creates a loop`, {
        ...(where ? { location: where } : {}),
      });
    }
    p.children.push(child);
    if (!c.parents.includes(parent)) c.parents.push(parent);
  }

  build(): BuiltInventory {
    const warnings: string[] = [];
    for (const g of this.#groups.values()) {
      if (g.name !== 'all' && g.parents.length === 0) this.addChild('all', g.name);
    }
    const ancestorsOfGroup = new Map<string, Set<string>>();
    for (const name of this.#groups.keys()) ancestorsOfGroup.set(name, this.#ancestors(name));
    const hostGroups = new Map<string, string[]>();
    for (const g of this.#groups.values()) {
      for (const h of g.hosts) {
        const list = hostGroups.get(h) ?? [];
        for (const name of [...(ancestorsOfGroup.get(g.name) ?? []), g.name]) if (!list.includes(name)) list.push(name);
        hostGroups.set(h, list);
      }
    }
    const ungrouped = this.#group('ungrouped');
    for (const host of this.#hosts.values()) {
      const groups = hostGroups.get(host.name) ?? [];
      if (groups.includes('ungrouped')) {
        if (groups.some((g) => g !== 'all' && g !== 'ungrouped')) {
          ungrouped.hosts.splice(ungrouped.hosts.indexOf(host.name), 1);
          groups.splice(groups.indexOf('ungrouped'), 1);
        }
      } else if (!groups.some((g) => g !== 'all')) {
        ungrouped.hosts.push(host.name);
        for (const g of ['all', 'ungrouped']) if (!groups.includes(g)) groups.push(g);
      }
      if (!groups.includes('all')) groups.unshift('all');
      hostGroups.set(host.name, groups);
      if (this.#groups.has(host.name)) warnings.push(`Found both group and host with same name: ${host.name}`);
    }
    const depths = this.#depths();
    const groups = new Map<string, InventoryGroup>();
    for (const g of this.#groups.values()) {
      groups.set(g.name, { ...g, depth: depths.get(g.name) ?? 0 });
    }
    const hosts = new Map<string, InventoryHost>();
    for (const h of this.#hosts.values()) hosts.set(h.name, { ...h, groups: hostGroups.get(h.name) ?? ['all'] });
    return { hosts, groups, warnings };
  }

  #group(name: string): MutableGroup {
    this.addGroup(name);
    return this.#groups.get(name) as MutableGroup;
  }

  #ancestors(name: string): Set<string> {
    const seen = new Set<string>();
    const todo = [...(this.#groups.get(name)?.parents ?? [])];
    for (let p = todo.pop(); p !== undefined; p = todo.pop()) {
      if (seen.has(p)) continue;
      seen.add(p);
      todo.push(...(this.#groups.get(p)?.parents ?? []));
    }
    return seen;
  }

  /** Longest path from 'all' for every group (the graph is acyclic: addChild refuses loops). */
  #depths(): Map<string, number> {
    const depth = new Map<string, number>();
    const visit = (name: string): number => {
      const known = depth.get(name);
      if (known !== undefined) return known;
      const parents = this.#groups.get(name)?.parents ?? [];
      const d = parents.length === 0 ? 0 : Math.max(...parents.map(visit)) + 1;
      depth.set(name, d);
      return d;
    };
    for (const name of this.#groups.keys()) visit(name);
    return depth;
  }
}
