import type { LabHost } from './hosts.js';

/**
 * A YAML inventory reaching the lab hosts through `docker exec`: each host's
 * address is its container id.
 */
export function dockerInventory(hosts: readonly LabHost[], group = 'lab'): string {
  const lines = ['all:', '  children:', `    ${group}:`, '      hosts:'];
  for (const h of hosts) {
    lines.push(`        ${h.name}:`, `          tsplay_host: ${h.container}`, '          tsplay_connection: docker');
  }
  return `${lines.join('\n')}\n`;
}
