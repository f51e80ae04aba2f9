/**
 * Shared by lineinfile and blockinfile: read a text file for editing (or
 * start from nothing with `create`), then plan writing the edited text
 * through the common content-write path.
 */
import { ModuleFailure, type HostContext, type Plan } from '../../engine/module.js';
import type { AttributeSpec } from './attributes.js';
import { planContentWrite, statDest, type ContentWriteState } from './content-write.js';
import { parentDir } from './host-commands.js';
import type { FileInfo } from '../../engine/module.js';

export interface TextFile {
  readonly path: string;
  readonly info: FileInfo | null;
  /** null: the file does not exist */
  readonly text: string | null;
  /** with `create`: the missing parent directories, outermost first (created as Ansible's makedirs does) */
  readonly missingDirs?: readonly string[];
}

/** The directories above `path` that do not exist yet, outermost first; fails when one in the way is not a directory. */
async function missingParents(ctx: HostContext, path: string): Promise<string[]> {
  const missing: string[] = [];
  for (let dir = parentDir(path); ; dir = parentDir(dir)) {
    const info = await ctx.stat(dir, { follow: true });
    if (info) {
      if (info.type !== 'directory') throw new ModuleFailure(`cannot create ${path}: ${dir} is not a directory`, { rc: 257 });
      return missing.reverse();
    }
    missing.push(dir);
    if (dir === '/' || dir === '.') return missing.reverse();
  }
}

/** Reads the file at `path` (following symlinks, as Ansible does for these modules). */
export async function readTextFile(ctx: HostContext, path: string, opts: { create: boolean; mustExist: boolean }): Promise<TextFile> {
  const info = await ctx.stat(path, { checksum: true });
  if (!info && !opts.create && opts.mustExist) throw new ModuleFailure(`Destination ${path} does not exist !`, { rc: 257 });
  if (!info) {
    const missingDirs = opts.create ? await missingParents(ctx, path) : [];
    return { path, info: null, text: null, ...(missingDirs.length ? { missingDirs } : {}) };
  }
  const resolved = await statDest(ctx, path, true);
  if (resolved.info?.type === 'directory') throw new ModuleFailure(`Destination ${path} is a directory !`, { rc: 256 });
  const buf = await ctx.readFile(resolved.path);
  return { path: resolved.path, info: resolved.info, text: buf === null ? null : buf.toString('utf8') };
}

export interface TextWriteOptions {
  readonly attributes: AttributeSpec;
  readonly backup: boolean;
  readonly validate?: string | undefined;
}

/** Plans writing `after` over the file (unchanged text still checks attributes). */
export async function planTextWrite(ctx: HostContext, file: TextFile, after: string, opts: TextWriteOptions, msg: string): Promise<Plan<ContentWriteState>> {
  const plan = await planContentWrite(ctx, {
    dest: file.path,
    content: Buffer.from(after),
    attributes: opts.attributes,
    backup: opts.backup,
    validate: opts.validate,
    info: file.info,
    current: file.text === null ? null : Buffer.from(file.text),
    ...(file.missingDirs ? { makeDirs: file.missingDirs } : {}),
  });
  const textChanged = file.text === null || file.text !== after;
  const newDir = file.missingDirs?.[file.missingDirs.length - 1];
  const summary = textChanged ? `${msg}${newDir ? `, in new directory ${newDir}` : ''}` : plan.changed ? `${msg ? `${msg} and ` : ''}${plan.summary ?? ''}` : plan.summary;
  return { ...plan, ...(summary ? { summary } : {}), result: { ...plan.result, msg: textChanged ? msg : plan.changed ? 'ownership, perms or SE linux context changed' : '' } };
}
