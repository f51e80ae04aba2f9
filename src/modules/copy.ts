/**
 * copy: puts a file (given inline as `content`, or a controller file or
 * directory as `src`) at `dest` on the host, with the requested mode and
 * ownership. Idempotent by sha256: an unchanged file is not sent again.
 */
import { basename } from 'node:path';
import { defineModule, ModuleFailure, Type, type HostContext, type Plan } from '../engine/module.js';
import { attributeParams, backupParam, mutuallyExclusive, requiredOneOf, validateParam } from './support/schema.js';
import { applyFileSet, missingDirs, planFileSet, type FileSetRequest, type FileSetState } from './support/file-set.js';
import { statDest } from './support/content-write.js';
import { isControllerDir, listControllerTree } from './support/controller-tree.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveSource } from './support/controller-source.js';
import { destFor } from './support/dest-path.js';

const params = Type.Object(
  {
    src: Type.Optional(
      Type.String({
        description:
          'File on the control machine (looked up in the role\'s files/, then beside the playbook). A directory is copied recursively: with a trailing "/" its contents go into dest, without it the directory itself does.',
      }),
    ),
    content: Type.Optional(Type.String({ description: 'The file content, given inline instead of `src`.' })),
    dest: Type.String({ minLength: 1, description: 'Path on the host. If it ends with "/" or is an existing directory, the file goes inside it as basename(src).' }),
    remote_src: Type.Boolean({ default: false, description: '`src` is a file already on the host (not a directory).' }),
    force: Type.Boolean({ default: true, description: 'Replace dest when its content differs. false: only create dest if it does not exist.' }),
    follow: Type.Boolean({ default: false, description: 'If dest is a symlink, write to the file it points to instead of replacing the link.' }),
    ...attributeParams,
    ...backupParam,
    ...validateParam,
  },
  { additionalProperties: false, allOf: [requiredOneOf('src', 'content'), mutuallyExclusive(['src', 'content'])] },
);

type Params = typeof params.static;

export default defineModule({
  name: 'copy',
  description: 'Copies a file or directory from the control machine (or inline content) to the host, idempotent by checksum.',
  params,
  async check(ctx, p): Promise<Plan<FileSetState>> {
    const base = { attributes: { mode: p.mode, owner: p.owner, group: p.group }, backup: p.backup, validate: p.validate, force: p.force, follow: p.follow };
    if (p.content !== undefined) {
      const refuse = (): never => {
        throw new ModuleFailure(`can not use content with a directory as dest (${p.dest})`, { dest: p.dest });
      };
      if (p.dest.endsWith('/')) refuse();
      // one stat (with the checksum) serves both the directory check and the plan; a link is looked at again, followed
      const dest = await statDest(ctx, p.dest, p.follow);
      if (dest.info?.type === 'directory') refuse();
      if (dest.info?.type === 'link' && (await ctx.stat(p.dest, { follow: true }))?.type === 'directory') refuse();
      return planFileSet(ctx, [], [{ ...base, dest: dest.path, content: Buffer.from(p.content), info: dest.info }]);
    }
    const src = p.src ?? '';
    if (p.remote_src) return withSrc(await planFileSet(ctx, [], [{ ...base, dest: await destFor(ctx, p.dest, src), content: await remoteSource(ctx, src) }]), src);
    const local = resolveSource(ctx, src, 'files');
    if (await isControllerDir(local)) return withSrc(await planTree(ctx, p, local, base), src);
    const dest = await destFor(ctx, p.dest, src);
    const newDir = p.dest.endsWith('/') ? await missingDirs(ctx, [p.dest.replace(/\/+$/, '')]) : [];
    const file: FileSetRequest = { ...base, dest, content: await readFile(local), inNewDir: newDir.length > 0 };
    return withSrc(await planFileSet(ctx, newDir, [file]), src);
  },
  async apply(ctx, plan, p) {
    return { result: await applyFileSet(ctx, plan.state, !(p.src !== undefined && plan.state.files.length > 1)) };
  },
});

function withSrc(plan: Plan<FileSetState>, src: string): Plan<FileSetState> {
  return { ...plan, result: { ...plan.result, src } };
}

async function remoteSource(ctx: HostContext, src: string): Promise<Buffer> {
  const info = await ctx.stat(src, { follow: true });
  if (!info) throw new ModuleFailure(`src '${src}' not found on the host`, { src });
  if (info.type === 'directory') throw new ModuleFailure(`src '${src}' is a directory; remote_src copies single files only`, { src });
  const content = await ctx.readFile(src);
  if (!content) throw new ModuleFailure(`src '${src}' not found on the host`, { src });
  return content;
}

/** A controller directory: its sub-directories and files, mapped under dest. */
async function planTree(ctx: HostContext, p: Params, local: string, base: Omit<FileSetRequest, 'dest' | 'content'>): Promise<Plan<FileSetState>> {
  const destRoot = p.dest.replace(/\/+$/, '') || '/';
  const root = (p.src ?? '').endsWith('/') ? destRoot : `${destRoot}/${basename(local)}`;
  const tree = await listControllerTree(local);
  const dirs = [...(root === destRoot ? [destRoot] : [destRoot, root]), ...tree.dirs.map((d) => `${root}/${d}`)];
  const missing = await missingDirs(ctx, dirs);
  const files: FileSetRequest[] = [];
  for (const f of tree.files) {
    const dest = `${root}/${f}`;
    const inNewDir = missing.some((m) => dest.startsWith(`${m}/`));
    files.push({ ...base, dest, content: await readFile(join(local, f)), inNewDir });
  }
  return planFileSet(ctx, missing, files);
}
