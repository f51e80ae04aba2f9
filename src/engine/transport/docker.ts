/**
 * The `docker` connection (`tsplay_connection: docker`, Ansible's
 * community.docker.docker): commands run in a running container through
 * `docker exec`; the host's address is the container's name or id.
 *
 * Each command spawns the docker CLI directly (no shell around it). Files
 * travel over the same exec (shellPut/shellGet), so a put is atomic.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { UnreachableError } from '../errors.js';
import { wrapBecome } from './become.js';
import { putScript, shellGet } from './shell-files.js';
import type { BecomeOptions, Connection, ConnectionFactory, ExecOptions, ExecResult, PutOptions } from './transport.js';
import { HostFileError } from './host-file-error.js';

export interface DockerConnectionOptions {
  /** user commands run as (`docker exec -u`); default: the image's user */
  readonly user?: string;
  /** the docker CLI (default `docker` on PATH) */
  readonly dockerBin?: string;
  /** environment of the docker CLI itself (DOCKER_HOST, DOCKER_API_VERSION, ...); default process.env */
  readonly cliEnv?: NodeJS.ProcessEnv;
}

/** Raw outcome of one docker CLI run. */
interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  readonly timedOut: boolean;
  /** the run's abort signal fired (Ctrl-C) and the CLI was killed */
  readonly aborted: boolean;
}

/** Environment variable that marks every process of one exec, so a timed-out exec can be killed inside the container. */
const EXEC_MARK = 'TSPLAY_EXEC_ID';

/** What the docker CLI prints, as its whole stderr, when it cannot reach the container. */
const CONTAINER_GONE = /^Error(?: response from daemon)?: (No such container: \S+|Container \S+ is (?:not running|paused|restarting)[^\n]*)$/;
const DAEMON_DOWN = /^(?:Cannot connect to the Docker daemon|error during connect:)/;

export class DockerConnection implements Connection {
  readonly kind = 'docker';
  readonly #bin: string;
  readonly #cliEnv: NodeJS.ProcessEnv;

  constructor(
    readonly host: string,
    readonly container: string,
    private readonly opts: DockerConnectionOptions = {},
  ) {
    this.#bin = opts.dockerBin ?? 'docker';
    this.#cliEnv = opts.cliEnv ?? process.env;
  }

  /** Opens a connection after checking once that the container exists and runs. */
  static async open(host: string, container: string, opts: DockerConnectionOptions = {}): Promise<DockerConnection> {
    const c = new DockerConnection(host, container, opts);
    await c.#checkRunning();
    return c;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    let cmd = command;
    let stdin: string | Buffer | undefined = opts.stdin;
    if (opts.become && !this.#isAlready(opts.become)) {
      const w = wrapBecome(command, opts.become, stdin);
      cmd = w.command;
      stdin = w.stdin;
    }
    const mark = randomBytes(8).toString('hex');
    // `-e NAME` without a value: docker takes the value from the CLI's own
    // environment, so values never show up in a process list.
    const env: NodeJS.ProcessEnv = { ...this.#cliEnv, ...opts.env, [EXEC_MARK]: mark };
    const args = ['exec', '-i'];
    if (this.opts.user) args.push('-u', this.opts.user);
    for (const k of [...Object.keys(opts.env ?? {}), EXEC_MARK]) args.push('-e', k);
    if (opts.cwd) args.push('-w', opts.cwd);
    args.push(this.container, '/bin/sh', '-c', cmd);

    if (opts.signal?.aborted) return { exitCode: 130, stdout: '', stderr: 'tsplay: not started: the run was interrupted\n', signal: 'SIGINT' };
    const r = await this.#cli(args, { env, stdin, timeoutMs: opts.timeoutMs, signal: opts.signal });
    // killing the docker CLI does not end the command in the container: end its processes there
    if (r.timedOut || r.aborted) await this.#killMarked(mark);
    const stderr = r.stderr.toString('utf8');
    if (!r.timedOut && r.code !== 0) this.#throwIfUnreachable(stderr);
    return {
      exitCode: r.code ?? 128,
      stdout: r.stdout.toString('utf8'),
      stderr: r.timedOut ? `${stderr}tsplay: command timed out after ${opts.timeoutMs} ms\n` : stderr,
      ...(r.signal ? { signal: r.signal } : {}),
    };
  }

  async put(path: string, content: Buffer, opts: PutOptions = {}): Promise<void> {
    const r = await this.exec(putScript(path, content.length, opts), { stdin: content, ...(opts.become ? { become: opts.become } : {}) });
    if (r.exitCode !== 0) throw new HostFileError('write', path, r.stderr.trim() || `exit ${r.exitCode}`);
  }

  get(path: string, opts: { become?: BecomeOptions } = {}): Promise<Buffer | null> {
    return shellGet((c, o) => this.exec(c, o), path, opts.become && !this.#isAlready(opts.become) ? opts.become : undefined);
  }

  async close(): Promise<void> {}

  /** become is a no-op when the exec user already is the target user (root when no user is set). */
  #isAlready(b: BecomeOptions): boolean {
    const want = b.user ?? 'root';
    const self = this.opts.user ?? 'root';
    return want === self || (want === 'root' && self === '0');
  }

  async #checkRunning(): Promise<void> {
    const r = await this.#cli(['inspect', '--type', 'container', '--format', '{{.State.Running}}', this.container], {
      env: this.#cliEnv,
      timeoutMs: 30_000,
    });
    const stderr = r.stderr.toString('utf8');
    if (r.code !== 0) {
      this.#throwIfUnreachable(stderr);
      throw new UnreachableError(this.host, `docker container '${this.container}': ${stderr.trim() || `docker inspect exited ${r.code}`}`);
    }
    if (r.stdout.toString('utf8').trim() !== 'true') {
      throw new UnreachableError(this.host, `docker container '${this.container}' is not running`, {
        hint: `start it: docker start ${this.container}`,
      });
    }
  }

  /** docker's own errors (not the command's) mean the host cannot be reached. */
  #throwIfUnreachable(stderr: string): void {
    const text = stderr.trim();
    if (DAEMON_DOWN.test(text)) {
      throw new UnreachableError(this.host, `docker container '${this.container}': ${text.split('\n')[0]}`, {
        hint: 'is the Docker engine running? (scripts/lab/setup.sh starts one)',
      });
    }
    const m = CONTAINER_GONE.exec(text);
    if (m) {
      throw new UnreachableError(this.host, `docker container '${this.container}': ${m[1]}`, {
        hint: `is '${this.container}' the name or id of a running container?`,
      });
    }
  }

  /**
   * Kills, inside the container, every process of a timed-out exec (best
   * effort): the processes carrying the exec's mark and all their descendants
   * (sudo clears the environment, so children of a become lose the mark).
   * The whole tree is collected before anything is killed.
   */
  async #killMarked(mark: string): Promise<void> {
    const script = [
      `todo=''; for p in /proc/[0-9]*; do tr '\\0' '\\n' < "$p/environ" 2>/dev/null | grep -qx '${EXEC_MARK}=${mark}' && todo="$todo \${p#/proc/}"; done`,
      `all="$todo"`,
      `while [ -n "$todo" ]; do next=''; for p in /proc/[0-9]*; do s=$(cat "$p/stat" 2>/dev/null) || continue; set -- \${s##*) }; for t in $todo; do [ "$2" = "$t" ] && next="$next \${p#/proc/}"; done; done; all="$all $next"; todo="$next"; done`,
      `[ -z "$all" ] || kill -9 $all 2>/dev/null; true`,
    ].join('\n');
    await this.#cli(['exec', '-u', '0', this.container, '/bin/sh', '-c', script], { env: this.#cliEnv, timeoutMs: 10_000 }).catch(() => undefined);
  }

  #cli(
    args: string[],
    o: { env: NodeJS.ProcessEnv; stdin?: string | Buffer | undefined; timeoutMs?: number | undefined; signal?: AbortSignal | undefined },
  ): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.#bin, args, { env: o.env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let aborted = false;
      const onAbort = (): void => {
        aborted = true;
        child.kill('SIGKILL');
      };
      o.signal?.addEventListener('abort', onAbort, { once: true });
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      if (o.timeoutMs) {
        timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, o.timeoutMs);
        timer.unref();
      }
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (timer) clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
        reject(
          e.code === 'ENOENT'
            ? new UnreachableError(this.host, `docker CLI '${this.#bin}' not found`, { hint: 'install docker (scripts/lab/setup.sh)', cause: e })
            : e,
        );
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
        resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), timedOut, aborted });
      });
      child.stdin.on('error', () => {
        /* the command may exit before reading stdin */
      });
      child.stdin.end(o.stdin ?? '');
    });
  }
}

/** Factory for `tsplay_connection: docker`: the address is the container, `user` the exec user. */
export const dockerConnectionFactory: ConnectionFactory = (settings) =>
  DockerConnection.open(settings.host, settings.address, settings.user !== undefined ? { user: settings.user } : {});
