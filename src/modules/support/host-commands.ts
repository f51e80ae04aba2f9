/** Running a changing command on the host, failing the task with a clear message when it exits non-zero. */
import { ModuleFailure, type ApplyContext, type CommandResult } from '../../engine/module.js';

export async function runOrFail(ctx: ApplyContext, command: string, what: string): Promise<CommandResult> {
  const r = await ctx.run(command);
  if (r.exitCode !== 0) throw new ModuleFailure(`${what} failed: ${r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}`}`, { rc: r.exitCode });
  return r;
}

/** The directory part of a host path ("/a/b" → "/a", "b" → "."). */
export function parentDir(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const i = trimmed.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : trimmed.slice(0, i);
}

export function baseName(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
