/**
 * Probes: what `check` may run on a host. A probe is declared once, as a
 * read-only command and a parser of its result (pyinfra's facts are the
 * model), so `check` never runs an arbitrary command string and each probe's
 * parsing is testable as a table of output → value.
 *
 *   const unitState = defineProbe({
 *     name: 'systemd.unit',
 *     command: (unit: string) => sh`systemctl show ${unit} -p ActiveState`,
 *     parse: (r) => r.stdout.trim(),
 *   });
 *   const state = await ctx.probe(unitState, 'ssh.service');
 */
import type { CommandResult } from './module.js';

export interface Probe<A, T> {
  /** a stable dotted name (`dpkg.packages`), shown at -vvv */
  readonly name: string;
  /** the command for these arguments; it must not change the host */
  command(args: A): string;
  /** the value the command's result means; throws ModuleFailure when the result is an error */
  parse(result: CommandResult, args: A): T;
  /** text for the command's standard input */
  stdin?(args: A): string | undefined;
}

/** Declares a probe; argument and value types are inferred from `command` and `parse`. */
export function defineProbe<A = void, T = unknown>(probe: Probe<A, T>): Probe<A, T> {
  return probe;
}
