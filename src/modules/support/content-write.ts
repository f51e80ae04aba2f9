/**
 * Putting known content at a path on the host, idempotently: the planning
 * half (read-only: stat, checksum, diff) and the applying half (backup,
 * validate, atomic write, attributes). copy, template, lineinfile and
 * blockinfile all end here, so they behave the same.
 */
import { ModuleFailure, type ApplyContext, type Diff, type FileInfo, type HostContext, type Plan } from '../../engine/module.js';
import { attributeChange, applyAttributes, attributeResult, newPathMode, type AttributeChange, type AttributeSpec } from './attributes.js';
import { backupFile } from './backup.js';
import { contentDiff, sha256 } from './content-diff.js';
import { resolvedPath } from '../probes/files.js';
import { parentDir, runOrFail } from './host-commands.js';
import { validateContent } from './validate.js';
import { sh } from '../../engine/module.js';

export interface ContentWriteRequest {
  readonly dest: string;
  readonly content: Buffer;
  readonly attributes: AttributeSpec;
  readonly backup: boolean;
  readonly validate?: string | undefined;
  /** false: leave an existing file alone (copy's `force: no`) */
  readonly force?: boolean;
  /** write through a symlink at dest to the file it points to (lineinfile, blockinfile) */
  readonly follow?: boolean;
  /** the current content when the caller already read it (saves a transfer) */
  readonly current?: Buffer | null;
  /** the current file's stat when the caller already has it */
  readonly info?: FileInfo | null;
  /** missing parent directories to create first, outermost first (lineinfile/blockinfile `create`) */
  readonly makeDirs?: readonly string[];
}

/** What apply needs: carried in the plan from check to apply. */
export interface ContentWriteState {
  readonly dest: string;
  readonly content: Buffer;
  readonly exists: boolean;
  readonly writeContent: boolean;
  readonly attributeChange: AttributeChange | null;
  /** attributes handed to the atomic write */
  readonly writeAttributes: { mode?: string; owner?: string; group?: string };
  readonly backup: boolean;
  readonly validate?: string | undefined;
  /** parent directories to create before the write, outermost first */
  readonly makeDirs?: readonly string[];
}

/** Stat of an existing path (following links when asked); fails when the parent directory is missing. */
export async function statDest(ctx: HostContext, dest: string, follow: boolean): Promise<{ path: string; info: FileInfo | null }> {
  let path = dest;
  let info = await ctx.stat(dest, { checksum: true });
  if (info?.type === 'link' && follow) {
    path = await ctx.probe(resolvedPath, dest);
    info = await ctx.stat(path, { checksum: true });
  }
  if (!info) {
    const parent = parentDir(path);
    const p = await ctx.stat(parent, { follow: true });
    if (!p) throw new ModuleFailure(`dest's parent directory ${parent} does not exist`, { dest });
    if (p.type !== 'directory') throw new ModuleFailure(`dest's parent ${parent} is not a directory`, { dest });
  }
  return { path, info };
}

export async function planContentWrite(ctx: HostContext, req: ContentWriteRequest): Promise<Plan<ContentWriteState>> {
  const { path: dest, info } =
    req.info !== undefined ? { path: req.dest, info: req.info } : await statDest(ctx, req.dest, req.follow ?? false);
  if (info?.type === 'directory') throw new ModuleFailure(`dest ${dest} is a directory`, { dest });
  const checksum = sha256(req.content);
  const exists = info !== null;
  const keep = exists && req.force === false;
  const writeContent = !keep && (!exists || info.checksum !== checksum);
  const change = info ? attributeChange(info, req.attributes) : null;
  const writeAttributes = exists
    ? { ...(change?.mode ? { mode: change.mode } : {}), ...(change?.owner ? { owner: change.owner } : {}), ...(change?.group ? { group: change.group } : {}) }
    : {
        ...(req.attributes.mode !== undefined ? { mode: newPathMode(req.attributes, false) } : {}),
        ...(req.attributes.owner !== undefined ? { owner: req.attributes.owner } : {}),
        ...(req.attributes.group !== undefined ? { group: req.attributes.group } : {}),
      };
  const diff: Diff[] = [];
  if (writeContent) {
    const before = !exists ? null : req.current !== undefined ? req.current : ctx.diffMode ? await ctx.readFile(dest) : null;
    if (!exists || ctx.diffMode || req.current !== undefined) diff.push(contentDiff(dest, before, req.content));
  }
  if (change && !keep) diff.push({ label: dest, before: { path: dest, ...change.before }, after: { path: dest, ...change.after } });
  const changed = writeContent || (change !== null && !keep);
  const result = {
    dest,
    path: dest,
    state: 'file',
    checksum: keep ? info.checksum : checksum,
    size: keep ? info.size : req.content.length,
    ...(info ? { mode: info.mode, owner: info.owner, group: info.group, uid: info.uid, gid: info.gid } : { mode: newPathMode(req.attributes, false) }),
    ...(change && !keep ? change.after : {}),
    ...(!info && req.attributes.owner !== undefined ? { owner: req.attributes.owner } : {}),
    ...(!info && req.attributes.group !== undefined ? { group: req.attributes.group } : {}),
  };
  const makeDirs = req.makeDirs ?? [];
  const withDirs = makeDirs.length ? ` (and its directory ${makeDirs[makeDirs.length - 1]})` : '';
  if (!changed) return { changed: false, summary: `${dest} is up to date`, diff, result };
  const summary = writeContent
    ? `${exists ? 'update' : 'create'} ${dest}${withDirs}${change ? ` and set ${Object.keys(change.after).join(', ')}` : ''}`
    : `set ${Object.keys(change?.after ?? {}).join(', ')} of ${dest}`;
  // here keep is false: a kept file with nothing to change returned above
  const attrsAfter = exists ? (change ? change.after : {}) : writeAttributes;
  return {
    changed: true,
    summary,
    diff,
    result,
    state: { dest, content: req.content, exists, writeContent, attributeChange: change, writeAttributes, backup: req.backup, validate: req.validate, ...(makeDirs.length ? { makeDirs } : {}) },
    effects: [
      ...makeDirs.map((d) => ({ path: d, state: 'directory' as const, mode: '0755' })),
      { path: dest, state: 'file' as const, ...(writeContent ? { content: req.content } : {}), ...attrsAfter },
    ],
  };
}

/** Carries out a content-write plan; returns the fields to register. */
export async function applyContentWrite(ctx: ApplyContext, s: ContentWriteState): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  if (s.writeContent) {
    const deepest = s.makeDirs?.[s.makeDirs.length - 1];
    if (deepest) await runOrFail(ctx, sh`mkdir -p ${deepest}`, `creating ${deepest}`);
    if (s.validate) await validateContent(ctx, s.dest, s.content, s.validate);
    if (s.backup && s.exists) out.backup_file = await backupFile(ctx, s.dest);
    await ctx.writeFile(s.dest, s.content, s.writeAttributes);
  } else if (s.attributeChange) {
    await applyAttributes(ctx, s.dest, s.attributeChange);
  }
  const info = await ctx.stat(s.dest, { checksum: true });
  if (info) Object.assign(out, attributeResult(info), info.checksum ? { checksum: info.checksum } : {});
  return out;
}
