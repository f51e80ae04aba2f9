/**
 * mode/owner/group: comparing what a path has with what the task asks for,
 * and changing it. Used by copy, template, file, lineinfile and blockinfile.
 */
import { sh, type ApplyContext, type FileInfo } from '../../engine/module.js';
import { resolveMode, type ModeSpec } from './mode.js';
import { runOrFail } from './host-commands.js';

export interface AttributeSpec {
  readonly mode?: ModeSpec | undefined;
  readonly owner?: string | undefined;
  readonly group?: string | undefined;
}

/** The attributes that differ: what they are now and what they will be. Only differing keys appear. */
export interface AttributeChange {
  readonly before: Readonly<Record<string, string>>;
  readonly after: Readonly<Record<string, string>>;
  /** the resolved target values to apply */
  readonly mode?: string;
  readonly owner?: string;
  readonly group?: string;
}

/** Does a name-or-id match this user/group? */
function sameId(want: string, name: string, id: number): boolean {
  return /^\d+$/.test(want) ? Number(want) === id : want === name;
}

/** What would change on an existing path; null when nothing. */
export function attributeChange(info: FileInfo, spec: AttributeSpec): AttributeChange | null {
  const before: Record<string, string> = {};
  const after: Record<string, string> = {};
  const out: { mode?: string; owner?: string; group?: string } = {};
  if (spec.mode !== undefined && info.type !== 'link') {
    const mode = resolveMode(spec.mode, info.mode, info.type === 'directory');
    if (mode !== info.mode) {
      before.mode = info.mode;
      after.mode = out.mode = mode;
    }
  }
  if (spec.owner !== undefined && !sameId(spec.owner, info.owner, info.uid)) {
    before.owner = info.owner;
    after.owner = out.owner = spec.owner;
  }
  if (spec.group !== undefined && !sameId(spec.group, info.group, info.gid)) {
    before.group = info.group;
    after.group = out.group = spec.group;
  }
  return Object.keys(after).length ? { before, after, ...out } : null;
}

/** The mode a new path will get. */
export function newPathMode(spec: AttributeSpec, isDir: boolean): string {
  const base = isDir ? '0755' : '0644';
  return spec.mode === undefined ? base : resolveMode(spec.mode, base, isDir);
}

/** Changes mode/owner/group of a path (`recurse`: everything below it too; symlinks themselves are never followed). */
export async function applyAttributes(
  ctx: ApplyContext,
  path: string,
  change: { mode?: string | undefined; owner?: string | undefined; group?: string | undefined },
  opts: { recurse?: boolean; isLink?: boolean } = {},
): Promise<void> {
  const R = opts.recurse ? '-R ' : '';
  if (change.owner !== undefined || change.group !== undefined) {
    const who = `${change.owner ?? ''}${change.group !== undefined ? `:${change.group}` : ''}`;
    await runOrFail(ctx, `chown ${R}${opts.isLink ? '-h ' : ''}${sh`${who} ${path}`}`, `chown ${who} ${path}`);
  }
  if (change.mode !== undefined && !opts.isLink) await runOrFail(ctx, `chmod ${R}${sh`${change.mode} ${path}`}`, `chmod ${change.mode} ${path}`);
}

/** The attribute fields registered for a path (Ansible's names). */
export function attributeResult(info: FileInfo): Record<string, unknown> {
  return { mode: info.mode, owner: info.owner, group: info.group, uid: info.uid, gid: info.gid, size: info.size };
}
