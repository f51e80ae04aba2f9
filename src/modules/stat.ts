/**
 * stat: reads facts about a path on the host and registers them under
 * `stat`, with Ansible's field names. Never changes anything. The checksum
 * is sha256 by default (Ansible's default is sha1; set checksum_algorithm: sha1
 * to compare with checksums Ansible registered).
 */
import { defineModule, Type, type FileInfo, type HostContext } from '../engine/module.js';
import { fileDigest, pathExists, resolvedPath } from './probes/files.js';

const algorithms = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

const params = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'The path to look at.' }),
    follow: Type.Boolean({ default: false, description: 'Follow a symlink and report on what it points to.' }),
    get_checksum: Type.Boolean({ default: true, description: 'Compute the checksum of a regular file.' }),
    checksum_algorithm: Type.Union(
      algorithms.map((a) => Type.Literal(a)),
      { default: 'sha256', description: 'Checksum algorithm: md5, sha1, sha224, sha256 (default; Ansible uses sha1), sha384 or sha512.' },
    ),
  },
  { additionalProperties: false },
);

export default defineModule({
  name: 'stat',
  description: 'Registers facts about a file or directory (exists, type, mode, owner, size, checksum, link target); never changes anything.',
  params,
  async check(ctx, p) {
    const info = await statPath(ctx, p.path, p.follow);
    if (!info) return { changed: false, summary: `${p.path} does not exist`, result: { stat: { exists: false } } };
    const mode = Number.parseInt(info.mode, 8);
    const stat: Record<string, unknown> = {
      exists: true,
      path: p.path,
      isdir: info.type === 'directory',
      isreg: info.type === 'file',
      islnk: info.type === 'link',
      mode: info.mode,
      uid: info.uid,
      gid: info.gid,
      pw_name: info.owner,
      gr_name: info.group,
      size: info.size,
      mtime: info.mtime,
      ...permissionFlags(mode),
    };
    if (info.type === 'link') {
      stat.lnk_target = info.linkTarget ?? '';
      stat.lnk_source = await ctx.probe(resolvedPath, p.path);
    }
    if (p.get_checksum && info.type === 'file') {
      stat.checksum =
        p.checksum_algorithm === 'sha256' && info.checksum
          ? info.checksum
          : await ctx.probe(fileDigest, { algorithm: p.checksum_algorithm, path: p.path });
    }
    return { changed: false, summary: `${p.path}: ${info.type}`, result: { stat } };
  },
});

/** Stat, following a link when asked; a dangling link followed does not exist (as in Ansible). */
async function statPath(ctx: HostContext, path: string, follow: boolean): Promise<FileInfo | null> {
  const info = await ctx.stat(path, { checksum: true });
  if (!info || info.type !== 'link' || !follow) return info;
  // `test -e` follows links: false for a dangling one (the core's stat command does not report that case)
  if (!(await ctx.probe(pathExists, path))) return null;
  const target = await ctx.stat(path, { checksum: true, follow: true });
  return target ? { ...target, path } : null;
}

function permissionFlags(mode: number): Record<string, boolean> {
  return {
    rusr: (mode & 0o400) !== 0,
    wusr: (mode & 0o200) !== 0,
    xusr: (mode & 0o100) !== 0,
    rgrp: (mode & 0o040) !== 0,
    wgrp: (mode & 0o020) !== 0,
    xgrp: (mode & 0o010) !== 0,
    roth: (mode & 0o004) !== 0,
    woth: (mode & 0o002) !== 0,
    xoth: (mode & 0o001) !== 0,
    isuid: (mode & 0o4000) !== 0,
    isgid: (mode & 0o2000) !== 0,
  };
}
