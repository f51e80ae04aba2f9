/**
 * fetch: copies a file from the host to the controller, as Ansible's fetch
 * does: to `dest/<inventory_hostname>/<src>` (or to `dest` itself with
 * `flat`), written atomically (a temporary file beside it, then a rename) and
 * checked against the host's sha256. Unchanged when the controller's copy
 * already has the host's checksum, so a rerun reads the host's checksum and
 * nothing else. The content is never shown: a kubeconfig or an etcd snapshot
 * is fetched without printing a byte of it; --diff shows checksums.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { defineModule, ModuleFailure, Type, type Plan } from '../engine/module.js';

const params = Type.Object(
  {
    src: Type.String({ minLength: 1, pattern: '^/', description: 'The file on the host (an absolute path).' }),
    dest: Type.String({ minLength: 1, description: 'Where on the controller: a directory under which `<inventory_hostname>/<src>` is written, or with flat the file itself (a trailing / means a directory for the file\'s own name).' }),
    flat: Type.Boolean({ default: false, description: 'Write to dest itself (no host name and src path below it).' }),
    fail_on_missing: Type.Boolean({ default: true, description: 'Fail when src does not exist on the host (otherwise: ok, nothing fetched).' }),
    validate_checksum: Type.Boolean({ default: true, description: 'Check the written copy against the host\'s sha256.' }),
    mode: Type.Optional(Type.String({ pattern: '^0?[0-7]{3,4}$', description: 'Mode of the controller\'s copy, e.g. "0600" for a kubeconfig (default: as the controller\'s umask makes it, as Ansible does).' })),
  },
  { additionalProperties: false },
);

interface State {
  readonly local: string;
  readonly checksum: string;
}

export default defineModule({
  name: 'fetch',
  description: 'Copies a file from the host to the controller (atomically, checked by sha256); unchanged when the copy already matches.',
  params,
  async check(ctx, p): Promise<Plan<State>> {
    const local = localPath(ctx.host, p.src, p.dest, p.flat);
    const info = await ctx.stat(p.src, { checksum: true, follow: true });
    if (!info) {
      if (p.fail_on_missing) throw new ModuleFailure(`the remote file does not exist: ${p.src}`, { file: p.src });
      return { changed: false, summary: `${p.src} does not exist on the host`, result: { file: p.src, msg: 'the remote file does not exist, not transferring, ignored' } };
    }
    if (info.type !== 'file') throw new ModuleFailure(`remote file is a ${info.type}, fetch cannot work on it: ${p.src}`, { file: p.src });
    const remote = info.checksum ?? '';
    const mine = await localChecksum(local);
    const result = { src: p.src, dest: local, checksum: remote, remote_checksum: remote };
    if (mine === remote && !(await modeDiffers(local, p.mode))) return { changed: false, summary: `${local} matches ${p.src}`, result };
    return {
      changed: true,
      summary: `fetch ${p.src} to ${local}`,
      diff: [{ label: local, ...(mine !== null ? { before: { sha256: mine } } : {}), after: { sha256: remote, ...(p.mode ? { mode: p.mode } : {}) } }],
      result,
      state: { local, checksum: remote },
    };
  },
  async apply(ctx, plan, p) {
    const { local, checksum } = plan.state;
    const content = await ctx.readFile(p.src);
    if (content === null) throw new ModuleFailure(`the remote file disappeared: ${p.src}`, { file: p.src });
    const got = sha256(content);
    if (p.validate_checksum && got !== checksum) {
      throw new ModuleFailure(`checksum mismatch: ${p.src} changed while it was fetched (sha256 ${got}, expected ${checksum}); nothing was written`, { file: p.src });
    }
    await mkdir(dirname(local), { recursive: true });
    const tmp = `${local}.tsplay-${randomBytes(4).toString('hex')}`;
    try {
      // the mode is set before the content arrives, so a kubeconfig is never readable by others
      await writeFile(tmp, content, { mode: p.mode ? parseInt(p.mode, 8) : 0o666, flag: 'wx' });
      if (p.mode) await chmod(tmp, parseInt(p.mode, 8));
      await rename(tmp, local);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return { result: { checksum: got, md5sum: createHash('md5').update(content).digest('hex') } };
  },
});

/** Ansible's destination: `dest/<host>/<src>`, or with flat `dest` (a directory when it ends in /). */
export function localPath(host: string, src: string, dest: string, flat: boolean): string {
  const base = isAbsolute(dest) ? dest : resolve(dest);
  if (!flat) return join(base, host, src);
  return dest.endsWith('/') ? join(base, src.slice(src.lastIndexOf('/') + 1)) : base;
}

async function localChecksum(path: string): Promise<string | null> {
  try {
    return sha256(await readFile(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function modeDiffers(path: string, mode: string | undefined): Promise<boolean> {
  if (mode === undefined) return false;
  return ((await stat(path)).mode & 0o7777) !== parseInt(mode, 8);
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
