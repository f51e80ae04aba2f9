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
}

/** Exit status of `timeout` when it had to end the command. */
export const TIMEOUT_EXIT_CODES: readonly number[] = [124, 137];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class InvalidEnvNameError extends Error {
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
  const run = opts.timeoutMs !== undefined && opts.timeoutMs > 0 ? withTimeout(command, opts.timeoutMs) : command;
  const inner = prefix.length === 0 ? run : `${prefix.join('')}exec /bin/sh -c ${quote(run)}`;
  if (opts.become) {
    const w = wrapBecome(inner, opts.become, opts.stdin);
    return { line: `exec /bin/sh -c ${quote(w.command)}`, ...(w.stdin ? { stdin: w.stdin } : {}) };
  }
  return { line: `exec /bin/sh -c ${quote(inner)}`, ...(opts.stdin !== undefined ? { stdin: Buffer.from(opts.stdin) } : {}) };
}

function withTimeout(command: string, timeoutMs: number): string {
  const secs = Math.max(0.001, timeoutMs / 1000).toFixed(3).replace(/\.?0+$/, '');
  return `c=${quote(command)}; if command -v timeout >/dev/null 2>&1; then exec timeout -k 2 ${secs} /bin/sh -c "$c"; fi; exec /bin/sh -c "$c"`;
}
