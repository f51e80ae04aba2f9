/**
 * Adapts an Inventory to the executor's InventoryView port (run-context.ts).
 */
import type { InventoryView } from '../run/run-context.js';
import { connectionSettings } from './connection.js';
import type { Inventory } from './inventory.js';
import { matchHosts } from './patterns.js';
import { groupNamesOf, groupsMap } from './queries.js';

export function inventoryView(inv: Inventory): InventoryView {
  let groups: Record<string, string[]> | undefined;
  return {
    hostVars: (host) => inv.hostVariables(host),
    groupNames: (host) => groupNamesOf(inv, host),
    groups: () => (groups ??= groupsMap(inv)),
    match: (pattern) => matchHosts(inv, pattern),
    connectionSettings,
  };
}
