/** Probes of paths on the host beyond what `ctx.stat` and `ctx.readFile` tell. */
import { defineProbe, ModuleFailure, sh } from '../../engine/module.js';
import { pathMatchesCommand } from '../support/cmd-args.js';
import { stdoutOf } from './failure.js';

/** Does the path exist, following links (`test -e`: false for a dangling link)? */
export const pathExists = defineProbe({
  name: 'path.exists',
  command: (path: string) => sh`test -e ${path}`,
  parse: (r) => r.exitCode === 0,
});

/** Does any path match the glob (a dangling link counts)? */
export const globMatches = defineProbe({
  name: 'path.glob-matches',
  command: (pattern: string) => pathMatchesCommand(pattern),
  parse: (r, pattern) => {
    if (r.exitCode > 1) throw new ModuleFailure(`cannot test whether ${pattern} exists: ${r.stderr.trim()}`, { rc: r.exitCode });
    return r.exitCode === 0;
  },
});

/** Device and inode of a path, following links (`dev:ino`); null when it is missing. */
export const fileIdentity = defineProbe({
  name: 'path.identity',
  command: (path: string) => sh`stat -L -c %d:%i ${path}`,
  parse: (r) => (r.exitCode === 0 ? r.stdout.trim() : null),
});

/** Is a directory empty? */
export const directoryEmpty = defineProbe({
  name: 'path.directory-empty',
  command: (dir: string) => `find ${sh`${dir}`} -mindepth 1 -print -quit`,
  parse: (r, dir) => stdoutOf(`listing ${dir}`, r).trim() === '',
});

/** A file's digest with `<algorithm>sum` (md5, sha1, sha256, ...). */
export const fileDigest = defineProbe({
  name: 'path.digest',
  command: (a: { readonly algorithm: string; readonly path: string }) => `${a.algorithm}sum ${sh`${a.path}`}`,
  parse: (r, a) => stdoutOf(`checksum of ${a.path}`, r).split(' ')[0] ?? '',
});

/** Is the path a mount point of its own (a bind-mounted file), from /proc/self/mountinfo? */
export const isMountPoint = defineProbe({
  name: 'path.mount-point',
  command: (path: string) => {
    const escaped = path.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/\t/g, '\\011').replace(/\n/g, '\\012');
    return sh`awk -v p=${escaped.replace(/\\/g, '\\\\')} '$5 == p { f = 1 } END { exit !f }' /proc/self/mountinfo`;
  },
  parse: (r) => r.exitCode === 0,
});

/** Where a link leads in the end (`readlink -f`). */
export const resolvedPath = defineProbe({
  name: 'path.resolved',
  command: (path: string) => sh`readlink -f ${path}`,
  parse: (r, path) => stdoutOf(`resolving ${path}`, r).replace(/\n$/, ''),
});

/** A path's access time, seconds since the epoch (`stat -c %X`). */
export const accessTime = defineProbe({
  name: 'path.access-time',
  command: (path: string) => sh`stat -c %X ${path}`,
  parse: (r, path) => Number(stdoutOf(`reading access time of ${path}`, r).trim()),
});

/** One entry below a directory, as `find -printf` describes it. */
export interface TreeEntry {
  /** permission bits, octal without leading zeros ("644") */
  readonly mode: string;
  readonly user: string;
  readonly group: string;
  readonly uid: string;
  readonly gid: string;
  /** find's %y: f, d, l, ... */
  readonly type: string;
}

/** Every entry below a directory except symlinks, with its mode and owner. */
export const treeAttributes = defineProbe({
  name: 'path.tree-attributes',
  command: (dir: string) => `find ${sh`${dir}`} -mindepth 1 ! -type l -printf '%m\\t%u\\t%g\\t%U\\t%G\\t%y\\n'`,
  parse: (r, dir): TreeEntry[] =>
    stdoutOf(`listing ${dir}`, r)
      .split('\n')
      .filter(Boolean)
      .map((row) => {
        const [mode = '0', user = '', group = '', uid = '', gid = '', type = ''] = row.split('\t');
        return { mode, user, group, uid, gid, type };
      }),
});
