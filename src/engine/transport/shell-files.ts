/**
 * File transfer over nothing but a shell: used by transports that can only
 * run commands (docker exec, sudo). The content travels on stdin, lands in a
 * temporary file in the target directory and is renamed over the target, so a
 * reader never sees a half-written file and an interrupted transfer leaves the
 * old file whole.
 */
import type { ExecOptions, ExecResult, PutOptions, BecomeOptions } from './transport.js';
import { quote } from './shell-quote.js';
import { HostFileError } from './host-file-error.js';

type Exec = (command: string, opts?: ExecOptions) => Promise<ExecResult>;

/**
 * The shell text of an atomic upload of `size` bytes arriving on stdin. The
 * temporary file must hold exactly `size` bytes before it is renamed: when the
 * client dies mid-upload, the remote command sees end-of-file (not a signal),
 * so without the check a partial file would replace the old one.
 */
export function putScript(path: string, size: number, opts: PutOptions = {}): string {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) || '/' : '.';
  const base = path.slice(path.lastIndexOf('/') + 1);
  const steps = [
    `umask 077`,
    `t=${quote(dir)}/.${quote(base)}.tsplay-$$.tmp`,
    `trap 'rm -f "$t"' EXIT`,
    `cat > "$t"`,
    `{ [ "$(wc -c < "$t")" -eq ${Math.floor(size)} ] || { echo "incomplete upload: $(wc -c < "$t") of ${Math.floor(size)} bytes arrived" >&2; false; }; }`,
  ];
  // keep an existing file's mode and ownership unless told otherwise
  if (opts.mode) steps.push(`chmod ${quote(opts.mode)} "$t"`);
  else steps.push(`if [ -e ${quote(path)} ]; then chmod --reference=${quote(path)} "$t"; else chmod 0644 "$t"; fi`);
  if (opts.owner || opts.group) steps.push(`chown ${quote(`${opts.owner ?? ''}${opts.group ? `:${opts.group}` : ''}`)} "$t"`);
  else steps.push(`if [ -e ${quote(path)} ]; then chown --reference=${quote(path)} "$t" 2>/dev/null || true; fi`);
  steps.push(`mv -f "$t" ${quote(path)}`, `trap - EXIT`);
  return steps.join(' && ');
}

export async function shellPut(exec: Exec, path: string, content: Buffer, opts: PutOptions = {}): Promise<void> {
  const r = await exec(putScript(path, content.length, opts), { stdin: content, ...(opts.become ? { become: opts.become } : {}) });
  if (r.exitCode !== 0) throw new HostFileError('write', path, r.stderr.trim() || `exit ${r.exitCode}`);
}

export async function shellGet(exec: Exec, path: string, become?: BecomeOptions): Promise<Buffer | null> {
  // base64 keeps binary content intact through a text channel
  const r = await exec(`if [ -e ${quote(path)} ]; then base64 -w0 < ${quote(path)}; else exit 3; fi`, become ? { become } : {});
  if (r.exitCode === 3) return null;
  if (r.exitCode !== 0) throw new HostFileError('read', path, r.stderr.trim() || `exit ${r.exitCode}`);
  return Buffer.from(r.stdout.trim(), 'base64');
}
