/** How a probe whose command failed fails the task: what was read, and the command's own words. */
import { ModuleFailure, type CommandResult } from '../../engine/module.js';

export function probeFailure(what: string, r: CommandResult, result: Record<string, unknown> = {}): ModuleFailure {
  return new ModuleFailure(`${what} failed: ${r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}`}`, { rc: r.exitCode, ...result });
}

/** The result's stdout when the command succeeded; a failure naming `what` otherwise. */
export function stdoutOf(what: string, r: CommandResult): string {
  if (r.exitCode !== 0) throw probeFailure(what, r);
  return r.stdout;
}
