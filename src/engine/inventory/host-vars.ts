/**
 * A host's inventory variables, merged in Ansible's order (its default
 * VARIABLE_PRECEDENCE), each later layer replacing whole keys:
 *
 *   1. `all` vars written in inventory files
 *   2. vars written in inventory files for the host's other groups, in group order
 *   3. group_vars/all beside each source, then in each extra directory
 *   4. group_vars/<group> beside each source, then in each extra directory
 *      (per directory, groups in group order)
 *   5. host vars written in inventory files
 *   6. host_vars/<host> beside each source, then in each extra directory
 *
 * Group order: by depth (parents before children), then ansible_group_priority,
 * then name. A host the inventory does not define gets only the `all` layers;
 * an implicit localhost also gets `ansible_connection: local`.
 */
import { LOCALHOST_NAMES, type InventoryData, type InventoryGroup, type Vars, type VarsDir } from './model.js';

export function mergeHostVariables(inv: InventoryData, host: string): Vars {
  const known = inv.hosts.get(host);
  const groups = sortGroups(
    (known?.groups ?? []).filter((g) => g !== 'all').flatMap((g) => inv.groups.get(g) ?? []),
  ).map((g) => g.name);
  const dirs = [...inv.sourceVarsDirs, ...inv.extraVarsDirs];
  const out: Vars = {};
  Object.assign(out, inv.groups.get('all')?.vars);
  for (const g of groups) Object.assign(out, inv.groups.get(g)?.vars);
  for (const d of dirs) Object.assign(out, d.groupVars.get('all'));
  for (const d of dirs) for (const g of groups) Object.assign(out, d.groupVars.get(g));
  if (known) Object.assign(out, known.vars);
  else if (LOCALHOST_NAMES.includes(host)) out['ansible_connection'] = 'local';
  for (const d of dirs) Object.assign(out, hostVarsOf(d, host));
  return out;
}

function hostVarsOf(d: VarsDir, host: string): Vars | undefined {
  return d.hostVars.get(host);
}

/** Ansible's sort_groups: depth, then priority, then name. */
export function sortGroups(groups: readonly InventoryGroup[]): InventoryGroup[] {
  return [...groups].sort((a, b) => a.depth - b.depth || a.priority - b.priority || compareNames(a.name, b.name));
}

/** Python's string order (code points), not the locale's. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
