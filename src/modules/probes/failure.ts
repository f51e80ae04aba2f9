/** How a probe whose command failed fails the task: what was read, and the command's own words (commandFailure). */
import type { CommandResult } from '../../engine/module.js';
import { commandFailure } from '../support/host-commands.js';

/** The result's stdout when the command succeeded; a failure naming `what` otherwise. */
export function stdoutOf(what: string, r: CommandResult): string {
  if (r.exitCode !== 0) throw commandFailure(what, r);
  return r.stdout;
}
