/**
 * The inventory's magic variables and the free-function API over an Inventory.
 */
import { compareNames } from './host-vars.js';
import type { Inventory } from './inventory.js';
import type { Vars } from './model.js';

/** Merged inventory variables of a host (memoised per inventory; see host-vars.ts for the order). */
export function hostVariables(inv: Inventory, host: string): Vars {
  return inv.hostVariables(host);
}

/** Ansible's `group_names`: the host's groups except `all` (so `ungrouped` for an ungrouped host), sorted. */
export function groupNamesOf(inv: Inventory, host: string): string[] {
  return (inv.hosts.get(host)?.groups ?? []).filter((g) => g !== 'all').sort(compareNames);
}

/** Ansible's `groups`: every group (empty ones, `all` and `ungrouped` included) → its hosts and its descendants'. */
export function groupsMap(inv: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const g of inv.groups.keys()) out[g] = [...inv.groupHosts(g)];
  return out;
}
