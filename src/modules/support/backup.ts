/** Keeping the old file before a change: `<path>.<pid>.<YYYY-MM-DD@HH:MM:SS>~`, Ansible's naming. */
import { sh, type ApplyContext } from '../../engine/module.js';
import { runOrFail } from './host-commands.js';

export function backupPath(path: string, now: Date, pid: number): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}@${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`;
  return `${path}.${pid}.${stamp}~`;
}

/** Copies `path` (content, mode, owner, times) to its backup name; returns that name. */
export async function backupFile(ctx: ApplyContext, path: string): Promise<string> {
  const dest = backupPath(path, new Date(), process.pid);
  await runOrFail(ctx, sh`cp -p ${path} ${dest}`, `backup of ${path}`);
  return dest;
}
