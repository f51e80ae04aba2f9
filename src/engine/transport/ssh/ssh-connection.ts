/**
 * The `ssh` connection: one persistent ssh2 connection per host, opened by
 * the factory, with at most `maxSessions` channels at once (a FIFO queue
 * beyond that). A connection that dropped is reopened once, by the next
 * command that needs it; a command already running when it drops fails with
 * an UnreachableError (it is never re-run: it may have had effects).
 */
import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';
import type { BecomeOptions, Connection, ExecOptions, ExecResult, PutOptions } from '../transport.js';
import { putScript } from '../shell-files.js';
import { quote } from '../shell-quote.js';
import { ChannelLimit } from './channel-limit.js';
import { runOnChannel, type RawResult } from './channel-exec.js';
import { endpointText, SshUnreachableError } from './errors.js';
import type { KnownHostsStore } from './known-hosts-store.js';
import { openClient, type OpenedClient } from './open-client.js';
import { endJobCommand, remoteCommand, TIMEOUT_EXIT_CODES } from './remote-command.js';
import type { SshTarget } from './target.js';
import { HostFileError } from '../host-file-error.js';

export interface SshConnectionDeps {
  readonly store: KnownHostsStore;
  /** leave Nagle's algorithm on (only to measure what TCP_NODELAY is worth) */
  readonly nagle?: boolean;
}

/**
 * When the connection drops, sshd ends the session's processes with a signal,
 * and a shell killed by a signal skips its EXIT trap: putScript's temporary
 * file would stay behind. Turning the signals into `exit` runs the trap.
 */
const EXIT_ON_SIGNAL = `trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 141' PIPE; trap 'exit 143' TERM; `;

/** Grace the client gives the host's own `timeout` (TERM, then KILL after 2 s) before closing the channel itself. */
const CLIENT_GIVE_UP_GRACE_MS = 4_000;
/** Waits between channel-open retries when the server refuses a channel and none of ours is busy. */
const PROHIBITED_BACKOFF_MS = [50, 100, 200, 400, 800, 1_000];
const MAX_OPEN_ATTEMPTS = 60;
/** What an exec asked for after the abort gets: nothing was started on the host. */
const NOT_STARTED: RawResult = { code: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), noStatus: true, abandoned: 'abort', elapsedMs: 0 };
/** How long an interrupted command's clean-up (the second channel that ends it) may take before it is left be. */
const END_JOB_WAIT_MS = 5_000;

export class SshConnection implements Connection {
  readonly kind = 'ssh';
  readonly host: string;
  readonly #target: SshTarget;
  readonly #deps: SshConnectionDeps;
  readonly #limit: ChannelLimit;
  #live: OpenedClient | undefined;
  #reopening: Promise<OpenedClient> | undefined;
  #closed = false;

  private constructor(target: SshTarget, deps: SshConnectionDeps) {
    this.host = target.host;
    this.#target = target;
    this.#deps = deps;
    this.#limit = new ChannelLimit(target.maxSessions);
  }

  /** Connects (authenticated, host key checked) and returns the open connection. */
  static async open(target: SshTarget, deps: SshConnectionDeps): Promise<SshConnection> {
    const c = new SshConnection(target, deps);
    c.#adopt(await openClient(target, deps));
    return c;
  }

  /** the channel limit in force (it drops when the server allows fewer sessions than configured) */
  get maxChannels(): number {
    return this.#limit.capacity;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.#run(command, opts);
    return decode(r, opts.timeoutMs);
  }

  async put(path: string, content: Buffer, opts: PutOptions = {}): Promise<void> {
    const become = this.#become(opts.become);
    const r = await this.#run(`${EXIT_ON_SIGNAL}${putScript(path, content.length, opts)}`, { stdin: content, ...(become ? { become } : {}) });
    if (r.code !== 0) throw new HostFileError('write', path, r.stderr.toString('utf8').trim() || `exit ${r.code ?? r.signal}`, this.host);
  }

  /** Reads the file raw over the channel (`cat`): binary-safe without base64. */
  async get(path: string, opts: { become?: BecomeOptions } = {}): Promise<Buffer | null> {
    const become = this.#become(opts.become);
    const r = await this.#run(`if [ -e ${quote(path)} ]; then exec cat -- ${quote(path)}; else exit 3; fi`, become ? { become } : {});
    if (r.code === 3) return null;
    if (r.code !== 0) throw new HostFileError('read', path, r.stderr.toString('utf8').trim() || `exit ${r.code ?? r.signal}`, this.host);
    return r.stdout;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const live = this.#live;
    this.#live = undefined;
    if (live) await endAll(live);
  }

  /** For tests only: destroys the TCP socket under the connection, as a network failure would. */
  destroySocketForTest(): void {
    this.#live?.socket.destroy();
  }

  /** Runs a command holding a channel slot (the loan is returned in `finally`). */
  async #run(command: string, opts: ExecOptions): Promise<RawResult> {
    if (opts.signal?.aborted) return NOT_STARTED;
    const become = this.#become(opts.become);
    // an abortable command gets a job id, so that an abort can end it on the host (see remote-command.ts)
    // only commands that may run long are made endable on Ctrl-C: a quick probe just loses its channel
    const jobId = opts.signal && !opts.quick ? randomBytes(6).toString('hex') : undefined;
    const { line, stdin } = remoteCommand(command, {
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      ...(become ? { become } : {}),
      ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      ...(jobId ? { jobId } : {}),
    });
    const r = await this.#runLine(line, stdin, opts);
    if (r.abandoned === 'abort' && jobId) await this.#endJob(jobId, become);
    return r;
  }

  /**
   * Ends an interrupted command on the host, through a new channel (the first one's slot was
   * returned when it closed). Best effort, bounded: a dead connection must not hold up the exit.
   */
  async #endJob(jobId: string, become: BecomeOptions | undefined): Promise<void> {
    const ended = this.#run(endJobCommand(jobId), become ? { become } : {}).then(
      () => undefined,
      () => undefined,
    );
    await Promise.race([ended, sleep(END_JOB_WAIT_MS)]);
  }

  async #runLine(line: string, stdin: Buffer | undefined, opts: ExecOptions): Promise<RawResult> {
    return this.#withChannel(line, async (ch) => {
      const r = await runOnChannel(ch, {
        ...(stdin ? { stdin } : {}),
        ...(opts.timeoutMs ? { giveUpAfterMs: opts.timeoutMs + CLIENT_GIVE_UP_GRACE_MS } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      if (r.noStatus && !r.abandoned && this.#live === undefined) {
        throw new SshUnreachableError(this.host, 'lost', `connection to ${endpointText(this.#target)} was lost while a command ran`, {
          hint: 'the command may or may not have finished on the host; it was not re-run',
        });
      }
      return r;
    });
  }

  async #withChannel<T>(line: string, use: (ch: ClientChannel) => Promise<T>): Promise<T> {
    let reopened = false;
    for (let attempt = 0; ; attempt++) {
      await this.#limit.acquire();
      let ch: ClientChannel | undefined;
      let released = false;
      try {
        const live = await this.#client();
        try {
          ch = await openExec(live.client, line);
        } catch (e) {
          if (isProhibited(e) && attempt < MAX_OPEN_ATTEMPTS) {
            // the server allows fewer sessions than we use: learn its limit, and wait for one of ours to end
            const othersBusy = this.#limit.inUse - 1;
            this.#limit.lowerTo(othersBusy);
            this.#limit.release();
            released = true;
            if (othersBusy === 0) await sleep(PROHIBITED_BACKOFF_MS[Math.min(attempt, PROHIBITED_BACKOFF_MS.length - 1)]!);
            continue;
          }
          if (isDisconnected(e) && !reopened) {
            this.#drop(live);
            reopened = true;
            continue;
          }
          throw new SshUnreachableError(this.host, 'lost', `cannot open a channel to ${endpointText(this.#target)}: ${(e as Error).message}`, { cause: e });
        }
        return await use(ch);
      } finally {
        // set in the catch before `continue`: TS's flow analysis does not carry that into finally
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
        if (!released) this.#limit.release();
      }
    }
  }

  /** The live client, or one reopen attempt when it dropped (only one at a time, shared). */
  async #client(): Promise<OpenedClient> {
    if (this.#closed) throw new SshUnreachableError(this.host, 'lost', `the connection to ${endpointText(this.#target)} was closed`);
    if (this.#live) return this.#live;
    if (!this.#reopening) {
      this.#reopening = openClient(this.#target, this.#deps).then(
        (c) => {
          this.#reopening = undefined;
          if (this.#closed) {
            void endAll(c);
            throw new SshUnreachableError(this.host, 'lost', `the connection to ${endpointText(this.#target)} was closed`);
          }
          this.#adopt(c);
          return c;
        },
        (e: unknown) => {
          this.#reopening = undefined;
          throw e;
        },
      );
    }
    return this.#reopening;
  }

  #adopt(c: OpenedClient): void {
    this.#live = c;
    c.client.once('close', () => this.#drop(c));
  }

  #drop(c: OpenedClient): void {
    if (this.#live === c) this.#live = undefined;
    c.socket.destroy();
  }

  /** become is skipped when the login user already is the user to become. */
  #become(b: BecomeOptions | undefined): BecomeOptions | undefined {
    if (!b) return undefined;
    return (b.user ?? 'root') === this.#target.user ? undefined : b;
  }
}

function openExec(client: Client, line: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(line, (err, ch) => (err ? reject(err) : resolve(ch)));
    } catch (e) {
      reject(e);
    }
  });
}

/** OpenSSH refuses a session beyond MaxSessions with "open failed" / ADMINISTRATIVELY_PROHIBITED (1). */
function isProhibited(e: unknown): boolean {
  const x = e as { reason?: unknown; message?: unknown };
  return x.reason === 1 || (typeof x.message === 'string' && /open failed|administratively prohibited/i.test(x.message));
}

function isDisconnected(e: unknown): boolean {
  const m = (e as { message?: unknown }).message;
  return typeof m === 'string' && /Not connected|No response from server|server closed channel unexpectedly/i.test(m);
}

function decode(r: RawResult, timeoutMs: number | undefined): ExecResult {
  const stderr = r.stderr.toString('utf8');
  const timedOut = r.abandoned === 'timeout' || (timeoutMs !== undefined && r.code !== null && TIMEOUT_EXIT_CODES.includes(r.code) && r.elapsedMs >= timeoutMs);
  return {
    exitCode: r.code ?? 128,
    stdout: r.stdout.toString('utf8'),
    stderr: timedOut ? `${stderr}tsplay: command timed out after ${timeoutMs} ms\n` : stderr,
    ...(r.signal ? { signal: r.signal } : timedOut ? { signal: r.code === 137 ? 'SIGKILL' : 'SIGTERM' } : r.abandoned ? { signal: 'SIGKILL' } : {}),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

async function endAll(c: OpenedClient): Promise<void> {
  const clients = [c.client, ...[...c.jumps].reverse()];
  await Promise.all(
    clients.map(
      (cl) =>
        new Promise<void>((resolve) => {
          cl.once('close', () => resolve());
          cl.end();
          // a dead peer may never answer the disconnect: do not wait forever
          setTimeout(() => resolve(), 2_000).unref();
        }),
    ),
  );
  c.socket.destroy();
}
