/**
 * What `tsplay inventory` prints, in ansible-inventory's shapes: `--list`
 * JSON (groups with hosts/children, empty ones left out, `_meta.hostvars`),
 * `--graph` text, and `--host` JSON. Keys are sorted and indented by four, as
 * Python's json.dumps(sort_keys=True, indent=4); Secrets print as their mask.
 */
import type { Inventory } from './inventory.js';

type ListGroup = { hosts?: string[]; children?: string[] };
export type InventoryList = Record<string, ListGroup> & { _meta: { hostvars: Record<string, Record<string, unknown>> } };

export function inventoryList(inv: Inventory): InventoryList {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const g = inv.groups.get(name);
    if (!g) return;
    const entry: ListGroup = {};
    if (name !== 'all' && g.hosts.length > 0) entry.hosts = [...g.hosts];
    if (g.children.length > 0) entry.children = [...g.children];
    if (entry.hosts || entry.children) out[name] = entry;
    for (const child of g.children) {
      if (!seen.has(child)) {
        seen.add(child);
        visit(child);
      }
    }
  };
  visit('all');
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const host of inv.groupHosts('all')) {
    const vars = inv.hostVariables(host);
    if (Object.keys(vars).length > 0) hostvars[host] = { ...vars };
  }
  return { ...out, _meta: { hostvars } } as InventoryList;
}

/** `--graph [group]`: undefined when the group does not exist. */
export function inventoryGraph(inv: Inventory, group = 'all'): string | undefined {
  if (!inv.groups.has(group)) return undefined;
  const lines: string[] = [];
  const name = (text: string, depth: number) => (depth ? '  |'.repeat(depth) + '--' + text : text);
  const walk = (g: string, depth: number): void => {
    const data = inv.groups.get(g);
    if (!data) return;
    lines.push(name(`@${g}:`, depth));
    for (const child of data.children) walk(child, depth + 1);
    if (g !== 'all') for (const h of data.hosts) lines.push(name(h, depth + 1));
  };
  walk(group, 0);
  return lines.join('\n');
}

/** JSON as Python's json.dumps(value, sort_keys=True, indent=4). */
export function toAnsibleJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 4);
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return (value as { toJSON(): unknown }).toJSON();
  if (Array.isArray(value)) return value.map(sortKeys);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}
