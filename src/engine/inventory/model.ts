/**
 * The shapes an inventory is made of once loaded: hosts, groups (a DAG under
 * `all`), and the variable files found beside the sources and in the extra
 * variable directories. Everything here is read-only; merging lives in
 * host-vars.ts.
 */
import type { Vars } from '../vars/precedence.js';

export type { Vars };

/** Reads and parses one YAML/JSON file (default: loadYamlFile). The vault layer passes a decrypting reader. */
export type ReadYaml = (file: string) => unknown;

export interface InventoryHost {
  readonly name: string;
  /** variables written for the host in inventory files (later definitions win) */
  readonly vars: Vars;
  /** every group the host belongs to, directly or through a parent, including 'all' */
  readonly groups: readonly string[];
}

export interface InventoryGroup {
  readonly name: string;
  /** variables written in the group's `vars:` in inventory files (without ansible_group_priority) */
  readonly vars: Vars;
  /** hosts placed directly in this group, in the order they were first written */
  readonly hosts: readonly string[];
  /** direct child groups, in the order they were first written */
  readonly children: readonly string[];
  readonly parents: readonly string[];
  /** longest path from 'all' (all = 0): parents merge before children */
  readonly depth: number;
  /** ansible_group_priority (default 1): among groups of the same depth, lower merges first */
  readonly priority: number;
}

/** Variables read from one directory's `group_vars/` and `host_vars/`, keyed by group or host name. */
export interface VarsDir {
  readonly dir: string;
  readonly groupVars: ReadonlyMap<string, Vars>;
  readonly hostVars: ReadonlyMap<string, Vars>;
}

/** Names that match an implicit localhost when the inventory does not define them (as Ansible's C.LOCALHOST). */
export const LOCALHOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** Everything loaded; what merging and matching read. */
export interface InventoryData {
  readonly hosts: ReadonlyMap<string, InventoryHost>;
  readonly groups: ReadonlyMap<string, InventoryGroup>;
  /** group_vars/ host_vars/ beside each source, in source order */
  readonly sourceVarsDirs: readonly VarsDir[];
  /** group_vars/ host_vars/ of the caller's extra directories (project root, playbook dir), in the order given */
  readonly extraVarsDirs: readonly VarsDir[];
}
