/**
 * Helpers for the command-line tests: the real CLI as a child process
 * (`node bin/tsplay.js`, which runs dist/: build first), and runPlaybooks in
 * process with connection factories that record every host they are asked
 * to contact.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { runPlaybooks, type PlaybookRunRequest } from '../../src/engine/run-playbooks.js';
import type { Connection, ConnectionFactory, ConnectionSettings } from '../../src/engine/transport/transport.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'bin/tsplay.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** working directory; default a fresh empty temp directory, so the repository's modules/ and group_vars/ stay out */
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** give the CLI a stdin pipe that stays open (default: /dev/null) */
  readonly openStdin?: boolean;
}

/** Starts `tsplay ARGS...`; output is collected until it exits. */
export function startCli(
  args: readonly string[],
  o: CliOptions = {},
): { child: ChildProcess; done: Promise<CliResult>; stdout: () => string; stderr: () => string } {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries({ ...process.env, NO_COLOR: '1', ...o.env }).filter(([, v]) => v !== undefined));
  const child = spawn(process.execPath, [CLI, ...args], { cwd: o.cwd ?? tempDir(), env, stdio: [o.openStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
  return { child, done, stdout: () => Buffer.concat(out).toString('utf8'), stderr: () => Buffer.concat(err).toString('utf8') };
}

export function cli(args: readonly string[], o: CliOptions = {}): Promise<CliResult> {
  return startCli(args, o).done;
}

/** A host's line of the PLAY RECAP. */
export interface Recap {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
}

/** The PLAY RECAP of a run's output, by host. */
export function parseRecap(out: string): Record<string, Recap> {
  const recap: Record<string, Recap> = {};
  for (const m of out.matchAll(/^(\S+)\s+: ok=(\d+) changed=(\d+) unreachable=(\d+) failed=(\d+) skipped=(\d+)/gm)) {
    recap[m[1] as string] = { ok: +m[2]!, changed: +m[3]!, unreachable: +m[4]!, failed: +m[5]!, skipped: +m[6]! };
  }
  return recap;
}

/**
 * A playbook run through the CLI without blocking this process (a test double
 * served from it keeps answering): exit code, stdout and stderr together, and the recap.
 */
export async function playbookCli(args: readonly string[], o: CliOptions = {}): Promise<{ code: number; out: string; recap: Record<string, Recap> }> {
  const r = await cli(args, { timeoutMs: 120_000, ...o });
  const out = `${r.stdout}${r.stderr}`;
  return { code: r.code ?? -1, out, recap: parseRecap(out) };
}

export function tempDir(prefix = 'tsplay-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `files` (path → text) under a new temp directory and returns it. */
export function writeProject(files: Readonly<Record<string, string>>): string {
  const dir = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** An inventory of one local host and one docker host whose container does not exist. */
export const TWO_HOST_INVENTORY = [
  'all:',
  '  hosts:',
  '    localhost:',
  '      tsplay_connection: local',
  '  children:',
  '    web:',
  '      hosts:',
  '        ghost:',
  '          tsplay_connection: docker',
  '          tsplay_host: tsplay-test-no-such-container',
  '',
].join('\n');

/** Connection factories that record each host asked for and never reach one. */
export function recordingFactories(): { factories: Record<string, ConnectionFactory>; opened: ConnectionSettings[] } {
  const opened: ConnectionSettings[] = [];
  const factory: ConnectionFactory = async (s) => {
    opened.push(s);
    const c: Connection = {
      host: s.host,
      kind: s.connection,
      exec: async () => ({ exitCode: 0, stdout: '', stderr: '' }),
      put: async () => undefined,
      get: async () => null,
      close: async () => undefined,
    };
    return c;
  };
  return { factories: { local: factory, docker: factory, ssh: factory }, opened };
}

export function runRequest(over: Partial<PlaybookRunRequest> & Pick<PlaybookRunRequest, 'playbooks'>): PlaybookRunRequest {
  return {
    inventories: [],
    extraVars: [],
    check: false,
    diff: false,
    tags: [],
    skipTags: [],
    mode: 'run',
    verbosity: 0,
    json: false,
    profile: false,
    vaultPasswordFiles: [],
    vaultIds: [],
    askVaultPass: false,
    askBecomePass: false,
    acceptNewHostKeys: false,
    ...over,
  };
}

export interface InProcessResult {
  /** the exit code, or what runPlaybooks threw */
  readonly code?: number;
  readonly error?: unknown;
  readonly stdout: string;
  readonly stderr: string;
  readonly opened: readonly ConnectionSettings[];
}

/**
 * runPlaybooks in this process, with recording connection factories. The
 * working directory is `cwd` (default a fresh temp directory) during the run,
 * so the repository's own modules/ and group_vars/ stay out of it.
 */
export async function runInProcess(req: PlaybookRunRequest, cwd: string = tempDir()): Promise<InProcessResult> {
  const { factories, opened } = recordingFactories();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const io = { stdout, stderr, stdin: new PassThrough(), env: { NO_COLOR: '1' } };
  const text = (): { stdout: string; stderr: string } => ({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await runPlaybooks(req, io, { connectionFactories: factories });
    return { code, ...text(), opened };
  } catch (error) {
    return { error, ...text(), opened };
  } finally {
    process.chdir(before);
  }
}

/** Matches a JavaScript stack frame line (`    at fn (file:1:2)`). */
export const STACK_FRAME = /^\s+at .+[:(]/m;

/** Matches any ANSI escape sequence. */
// eslint-disable-next-line no-control-regex -- an ANSI escape is what it looks for
export const ANSI = /\u001b\[/;
