/** Running a changing command on the host, failing the task with a clear message when it exits non-zero. */
import { ModuleFailure, type ApplyContext, type CommandResult } from '../../engine/module.js';

export interface CommandFailureOptions {
  /** what the message says before the command's own words; default `${what} failed` */
  readonly message?: string;
  /** only the last lines of those words (apt's are long); default all of them */
  readonly lastLines?: number;
  /** the failure's result also holds the command's stdout and stderr */
  readonly withOutput?: boolean;
  /** more fields of the failure's result, after `rc` (`changed: true` when part of the work was done) */
  readonly result?: Readonly<Record<string, unknown>>;
}

/**
 * The failure of a command that exited non-zero: `${what} failed: ` and the command's own words
 * (its stderr, else its stdout, else `exit N`); the result holds `rc`.
 */
export function commandFailure(what: string, r: CommandResult, opts: CommandFailureOptions = {}): ModuleFailure {
  const words = r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}`;
  const shown = opts.lastLines === undefined ? words : words.split('\n').slice(-opts.lastLines).join('\n');
  return new ModuleFailure(`${opts.message ?? `${what} failed`}: ${shown}`, {
    rc: r.exitCode,
    ...(opts.withOutput ? { stdout: r.stdout, stderr: r.stderr } : {}),
    ...opts.result,
  });
}

export async function runOrFail(ctx: ApplyContext, command: string, what: string, opts: CommandFailureOptions = {}): Promise<CommandResult> {
  const r = await ctx.run(command);
  if (r.exitCode !== 0) throw commandFailure(what, r, opts);
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
