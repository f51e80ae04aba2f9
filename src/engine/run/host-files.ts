/**
 * Reading file metadata on a host with one shell command, so the same code
 * serves every transport that can run `sh`.
 */
import type { FileInfo } from '../module.js';
import type { Connection, BecomeOptions } from '../transport/transport.js';
import { quote } from '../transport/shell-quote.js';
import { HostFileError } from '../transport/host-file-error.js';

const FIELD_SEP = '\t';

/** Command that prints `type mode uid gid owner group size mtime`, link target, then checksum. */
export function statCommand(path: string, opts: { checksum?: boolean; follow?: boolean } = {}): string {
  const p = quote(path);
  const L = opts.follow ? '-L ' : '';
  const parts = [
    `if [ ! -e ${p} ] && [ ! -L ${p} ]; then exit 3; fi`,
    // following a dangling link: stat fails; report "not there" rather than reading the wrong line
    `stat ${L}-c '%F${FIELD_SEP}%a${FIELD_SEP}%u${FIELD_SEP}%g${FIELD_SEP}%U${FIELD_SEP}%G${FIELD_SEP}%s${FIELD_SEP}%Y' ${p} 2>/dev/null || exit 3`,
    `if [ -L ${p} ]; then readlink ${p}; else echo; fi`,
  ];
  if (opts.checksum) parts.push(`if [ -f ${p} ]; then sha256sum ${p} | cut -d' ' -f1; else echo; fi`);
  return parts.join('; ');
}

export function parseStat(path: string, stdout: string, follow = false): FileInfo {
  const [meta = '', link = '', sum = ''] = stdout.split('\n');
  const [ftype = '', mode = '0', uid = '0', gid = '0', owner = '', group = '', size = '0', mtime = '0'] = meta.split(FIELD_SEP);
  const type: FileInfo['type'] =
    ftype === 'symbolic link' ? 'link' : ftype === 'directory' ? 'directory' : ftype.startsWith('regular') ? 'file' : 'other';
  return {
    path,
    type,
    mode: mode.padStart(4, '0'),
    uid: Number(uid),
    gid: Number(gid),
    owner,
    group,
    size: Number(size),
    mtime: Number(mtime),
    ...(type === 'link' || (!follow && link) ? { linkTarget: link } : {}),
    ...(sum ? { checksum: sum } : {}),
  };
}

export async function statOnHost(
  conn: Connection,
  path: string,
  opts: { checksum?: boolean; follow?: boolean; become?: BecomeOptions } = {},
): Promise<FileInfo | null> {
  const r = await conn.exec(statCommand(path, opts), { quick: true, ...(opts.become ? { become: opts.become } : {}) });
  if (r.exitCode === 3) return null;
  if (r.exitCode !== 0) throw new HostFileError('stat', path, r.stderr.trim() || `exit ${r.exitCode}`);
  return parseStat(path, r.stdout, opts.follow);
}
