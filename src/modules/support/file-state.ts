/**
 * Helpers for the file module: what state a path is in, the touch command for
 * requested times, and which entries under a directory `recurse` would change.
 */
import { sh, type FileInfo, type HostContext } from '../../engine/module.js';
import { resolveMode } from './mode.js';
import type { AttributeSpec } from './attributes.js';
import { accessTime, treeAttributes } from '../probes/files.js';

export type PathState = 'file' | 'directory' | 'link' | 'absent' | 'other';

export function stateOf(info: FileInfo | null): PathState {
  return info ? info.type : 'absent';
}

/** Ansible's time format for modification_time/access_time (%Y%m%d%H%M.%S), which is also touch -t's. */
export const TIME_PATTERN = '^(now|preserve|[0-9]{12}(\\.[0-9]{2})?)$';

/** Seconds since the epoch of a YYYYMMDDhhmm[.ss] local time. */
export function parseTouchTime(ts: string): number {
  const n = (a: number, b: number): number => Number(ts.slice(a, b));
  return new Date(n(0, 4), n(4, 6) - 1, n(6, 8), n(8, 10), n(10, 12), ts.length > 12 ? n(13, 15) : 0).getTime() / 1000;
}

/** The touch commands setting the times (none when both are preserved). */
export function touchCommands(path: string, mtime: string, atime: string): string[] {
  if (mtime === 'now' && atime === 'now') return [sh`touch ${path}`];
  const out: string[] = [];
  for (const [flag, t] of [['-m', mtime], ['-a', atime]] as const) {
    if (t === 'now') out.push(`touch ${flag} ${sh`${path}`}`);
    else if (t !== 'preserve') out.push(`touch ${flag} -t ${sh`${t} ${path}`}`);
  }
  return out;
}

/** Would setting the times change them? (`now` always does.) */
export async function timesDiffer(ctx: HostContext, info: FileInfo, mtime: string, atime: string): Promise<boolean> {
  if (mtime === 'now' || atime === 'now') return true;
  if (mtime !== 'preserve' && parseTouchTime(mtime) !== info.mtime) return true;
  if (atime !== 'preserve') {
    const cur = await ctx.probe(accessTime, info.path);
    return parseTouchTime(atime) !== cur;
  }
  return false;
}

/** How many entries below `dir` (symlinks excepted) do not have the requested attributes. */
export async function recurseMismatches(ctx: HostContext, dir: string, spec: AttributeSpec): Promise<number> {
  if (spec.mode === undefined && spec.owner === undefined && spec.group === undefined) return 0;
  let n = 0;
  for (const { mode, user, group, uid, gid, type } of await ctx.probe(treeAttributes, dir)) {
    const cur = mode.padStart(4, '0');
    const badMode = spec.mode !== undefined && resolveMode(spec.mode, cur, type === 'd') !== cur;
    const badOwner = spec.owner !== undefined && spec.owner !== user && spec.owner !== uid;
    const badGroup = spec.group !== undefined && spec.group !== group && spec.group !== gid;
    if (badMode || badOwner || badGroup) n++;
  }
  return n;
}
