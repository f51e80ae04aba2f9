/**
 * The command line sent in an SSH `exec` request. sshd runs it with the
 * user's login shell (`$SHELL -c LINE`), so the line only does
 * `exec /bin/sh -c '...'`: what the command means never depends on whether
 * the login shell is bash, zsh or fish.
 *
 * Environment: sshd accepts `env` requests only for names listed in its
 * AcceptEnv (usually LANG and LC_*), and silently drops the rest, so values
 * are exported by the shell instead: `export K='v'; ...`. They travel inside
 * the encrypted channel, but are visible in the remote process list for as
 * long as the shell that sets them runs (a few milliseconds, since it then
 * `exec`s the command; under become, for the command's lifetime, because
 * sudo stays its parent). Pass secrets on stdin, not in env.
 */
import { wrapBecome } from '../become.js';
import { quote } from '../shell-quote.js';
import type { BecomeOptions } from '../transport.js';
import { TsplayError } from '../../errors.js';

export interface RemoteCommandOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** applied when set; the caller decides whether become is needed */
  readonly become?: BecomeOptions;
  readonly stdin?: string | Buffer;
  /**
   * Ends the command on the host after this long: GNU/busybox `timeout` runs
   * it in a process group of its own and signals the whole group (TERM, then
   * KILL 2 s later), so children die too. ssh2 cannot send an SSH `signal`
   * request once stdin is closed, so this is done on the host's side. Hosts
   * without `timeout` run the command as is (the client still gives up).
   */
  readonly timeoutMs?: number;
  /**
   * Makes the command endable from another channel (Ctrl-C): it runs under
   * `timeout` (its own process group) with `tsplay-job-ID` on that process's
   * command line, so `endJobCommand(ID)` can find it; `timeout` then passes
   * the TERM to the whole group. Closing the channel alone does not end a
   * command that ignores EOF (sshd leaves it running).
   */
  readonly jobId?: string;
}

/** Exit status of `timeout` when it had to end the command. */
export const TIMEOUT_EXIT_CODES: readonly number[] = [124, 137];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `environment:` named a variable that is not a shell name (the task fails). */
export class InvalidEnvNameError extends TsplayError {
  readonly code = 'E_SSH_ENV_NAME';
  constructor(readonly envName: string) {
    super(`environment variable name ${JSON.stringify(envName)} is not a valid shell name`);
  }
}

/** The exec request's line and the bytes to send on stdin (sudo's password first, when become has one). */
export function remoteCommand(command: string, opts: RemoteCommandOptions = {}): { line: string; stdin?: Buffer } {
  const prefix: string[] = [];
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (!ENV_NAME.test(k)) throw new InvalidEnvNameError(k);
    prefix.push(`export ${k}=${quote(v)}; `);
  }
  if (opts.cwd !== undefined) prefix.push(`cd ${quote(opts.cwd)} && `);
  const timed = opts.timeoutMs !== undefined && opts.timeoutMs > 0;
  const run = timed || opts.jobId !== undefined ? withTimeout(command, timed ? opts.timeoutMs : undefined, opts.jobId) : command;
  const inner = prefix.length === 0 ? run : `${prefix.join('')}exec /bin/sh -c ${quote(run)}`;
  if (opts.become) {
    const w = wrapBecome(inner, opts.become, opts.stdin);
    return { line: `exec /bin/sh -c ${quote(w.command)}`, ...(w.stdin ? { stdin: w.stdin } : {}) };
  }
  return { line: `exec /bin/sh -c ${quote(inner)}`, ...(opts.stdin !== undefined ? { stdin: Buffer.from(opts.stdin) } : {}) };
}

/** No time limit, only a process group (busybox's `timeout` has no "0 = none"): about 31 years. */
const NO_LIMIT_SECS = '999999999';

function withTimeout(command: string, timeoutMs: number | undefined, jobId: string | undefined): string {
  const secs = timeoutMs === undefined ? NO_LIMIT_SECS : Math.max(0.001, timeoutMs / 1000).toFixed(3).replace(/\.?0+$/, '');
  // the job tag is the inner shell's $0: it shows on `timeout`'s command line, which stays for the command's lifetime
  const tag = jobId === undefined ? '' : ` ${jobTag(jobId)}`;
  return `c=${quote(command)}; if command -v timeout >/dev/null 2>&1; then exec timeout -k 2 ${secs} /bin/sh -c "$c"${tag}; fi; exec /bin/sh -c "$c"${tag}`;
}

const JOB_ID = /^[a-z0-9]+$/;

function jobTag(jobId: string): string {
  if (!JOB_ID.test(jobId)) throw new RangeError(`job id must be lower-case letters and digits, got ${JSON.stringify(jobId)}`);
  return `tsplay-job-${jobId}`;
}

/**
 * Ends a job started with `jobId`: TERM to every process whose command line
 * carries its tag (`timeout` passes it to the command's whole process group,
 * and KILLs the group 2 s later if it is still there). The pattern is written
 * `tsplay-job-[x]yz`, which matches the tag but not this command's own line.
 */
export function endJobCommand(jobId: string): string {
  jobTag(jobId);
  const pattern = `tsplay-job-[${jobId.slice(0, 1)}]${jobId.slice(1)}`;
  return (
    `if command -v pkill >/dev/null 2>&1; then pkill -TERM -f '${pattern}'; ` +
    `else for p in /proc/[0-9]*; do case "$(tr '\\000' ' ' < "$p/cmdline" 2>/dev/null)" in *${pattern}*) kill -TERM "\${p#/proc/}" 2>/dev/null;; esac; done; fi; exit 0`
  );
}
