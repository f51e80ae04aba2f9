/** Ansible's rule for copy and template: a dest ending in "/" or naming an existing directory receives basename(src). */
import { basename } from 'node:path';
import type { HostContext } from '../../engine/module.js';

export async function destFor(ctx: HostContext, dest: string, src: string): Promise<string> {
  if (dest.endsWith('/')) return `${dest}${basename(src)}`;
  const info = await ctx.stat(dest, { follow: true });
  return info?.type === 'directory' ? `${dest.replace(/\/+$/, '')}/${basename(src)}` : dest;
}
