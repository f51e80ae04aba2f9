/**
 * The plan and run shared by `command` and `shell`: the `creates`/`removes`
 * guards (read-only, so check predicts exactly), then one run whose result is
 * registered the way Ansible does; a non-zero rc fails the task with it.
 */
import { ModuleFailure, type ApplyContext, type HostContext, type Plan } from '../../engine/module.js';
import { globMatches } from '../probes/files.js';
import { commandResult, underDirectory } from './cmd-args.js';

export interface CommandGuards {
  readonly chdir?: string | undefined;
  readonly creates?: string | undefined;
  readonly removes?: string | undefined;
}

export interface CommandState {
  /** the shell text that runs the command */
  readonly shellText: string;
  /** what is registered as `cmd`: the argv (command) or the string (shell) */
  readonly display: string | readonly string[];
}

async function matches(ctx: HostContext, pattern: string): Promise<boolean> {
  // a plain path goes through stat, so check mode sees what earlier tasks would have created
  if (!/[*?[]/.test(pattern)) return (await ctx.stat(pattern)) !== null;
  return ctx.probe(globMatches, pattern);
}

/**
 * Not changed (and skipped) when `creates` matches or `removes` does not. Otherwise the command
 * runs: with a guard, check knows it would (changed); without one, check cannot know what it
 * would change ('unknown': --check reports it as not run, as Ansible does).
 */
export async function planCommand(ctx: HostContext, guards: CommandGuards, state: CommandState): Promise<Plan<CommandState>> {
  const skip = (why: string, msg: string): Plan<CommandState> => ({
    changed: false,
    summary: msg,
    result: { cmd: state.display, rc: 0, stdout: `skipped, since ${why}`, stdout_lines: [`skipped, since ${why}`], stderr: '', stderr_lines: [], msg },
  });
  if (guards.creates !== undefined) {
    const p = underDirectory(guards.creates, guards.chdir);
    if (await matches(ctx, p)) return skip(`${p} exists`, `Did not run command since '${p}' exists`);
  }
  if (guards.removes !== undefined) {
    const p = underDirectory(guards.removes, guards.chdir);
    if (!(await matches(ctx, p))) return skip(`${p} does not exist`, `Did not run command since '${p}' does not exist`);
  }
  const shown = typeof state.display === 'string' ? state.display : state.display.join(' ');
  // `creates` says what the command makes and `removes` what it takes away: check mode remembers both
  const creates = guards.creates !== undefined && !/[*?[]/.test(guards.creates) ? underDirectory(guards.creates, guards.chdir) : undefined;
  const removes = guards.removes !== undefined && !/[*?[]/.test(guards.removes) ? underDirectory(guards.removes, guards.chdir) : undefined;
  const effects = [
    ...(creates ? [{ path: creates, state: 'file' as const }] : []),
    ...(removes ? [{ path: removes, state: 'absent' as const }] : []),
  ];
  const guarded = guards.creates !== undefined || guards.removes !== undefined;
  return { changed: guarded ? true : 'unknown', summary: `run: ${shown}`, result: { cmd: state.display }, state, ...(effects.length ? { effects } : {}) };
}

/** Runs the planned command; rc ≠ 0 throws ModuleFailure carrying the full result. */
export async function runPlannedCommand(ctx: ApplyContext, state: CommandState, stdin: string | undefined): Promise<Record<string, unknown>> {
  const startedAt = new Date();
  const outcome = await ctx.run(state.shellText, stdin === undefined ? {} : { stdin });
  const result = commandResult({ cmd: state.display, startedAt, endedAt: new Date(), outcome });
  if (outcome.exitCode !== 0) throw new ModuleFailure('non-zero return code', { ...result, changed: true });
  return result;
}

/** Ansible adds a newline to stdin unless told not to. */
export function stdinText(stdin: string | undefined, addNewline: boolean): string | undefined {
  if (stdin === undefined) return undefined;
  return addNewline && !stdin.endsWith('\n') ? `${stdin}\n` : stdin;
}
