/**
 * Runs real playbooks in process through the CLI front door (`runCli`, which
 * parses flags into a request for `runPlaybooks`) with `--json`, and gives the
 * exit code, the parsed JSON event records and stderr. Projects are written to
 * a temp directory that is also the working directory during the run, so the
 * repository's own group_vars/ and modules/ stay out of it.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../../src/cli/run-cli.js';
import type { HostStats } from '../../../src/engine/run/events.js';

export type JsonRecord = Record<string, unknown>;

/** one host's recap line: the engine's own statistics type */
export type HostRecap = HostStats;

export interface RunOutcome {
  readonly code: number;
  readonly events: readonly JsonRecord[];
  readonly stdout: string;
  readonly stderr: string;
  readonly recap: Readonly<Record<string, HostRecap>>;
}

/** Writes `files` (path → text) under a new temp directory and returns it. */
export function writeProject(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-run-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** `tsplay ARGS --json` with `dir` as the working directory. `json: false` leaves human/listing output alone. */
export async function tsplay(dir: string, args: readonly string[], opts: { json?: boolean } = {}): Promise<RunOutcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const cwd = process.cwd();
  process.chdir(dir);
  let code: number;
  try {
    const argv = opts.json === false ? [...args] : [...args, '--json'];
    code = await runCli(argv, { stdout, stderr, stdin: new PassThrough(), env: { ...process.env, NO_COLOR: '1' } });
  } finally {
    process.chdir(cwd);
  }
  stdout.end();
  stderr.end();
  await new Promise((r) => setImmediate(r));
  const text = out();
  const events = opts.json === false ? [] : parseJsonLines(text);
  const recapEvent = events.find((e) => e.event === 'recap');
  const recap = (recapEvent?.stats ?? {}) as Record<string, HostRecap>;
  return { code, events, stdout: text, stderr: err(), recap };
}

function parseJsonLines(text: string): JsonRecord[] {
  return text
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as JsonRecord);
}

/** host_result records, optionally only those of one task name (loop summaries included). */
export function results(o: RunOutcome, task?: string): JsonRecord[] {
  return o.events.filter((e) => e.event === 'host_result' && (task === undefined || e.task === task));
}

/** The single result of `task` on `host` that is not a loop item. */
export function resultOf(o: RunOutcome, task: string, host = 'localhost'): JsonRecord | undefined {
  return results(o, task).find((e) => e.host === host && e.item === undefined);
}

/** Messages printed by `debug: msg=...` tasks named `task`, per host. */
export function debugMsg(o: RunOutcome, task: string, host = 'localhost'): unknown {
  const r = resultOf(o, task, host);
  return (r?.result as JsonRecord | undefined)?.msg;
}

/** Task names in the order their task_start events came. */
export function taskOrder(o: RunOutcome): string[] {
  return o.events.filter((e) => e.event === 'task_start').map((e) => String(e.task));
}

/** A recap row with zeros for anything not given. */
export function recapRow(r: Partial<HostRecap>): HostRecap {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, ...r };
}

/** An inventory of `names`, all local, in group `group` (and any extra groups given per host). */
export function localInventory(names: readonly string[], group = 'nodes', extra: Readonly<Record<string, readonly string[]>> = {}): string {
  const lines = ['all:', '  children:', `    ${group}:`, '      hosts:'];
  for (const n of names) lines.push(`        ${n}:`, '          tsplay_connection: local');
  for (const [g, hosts] of Object.entries(extra)) {
    lines.push(`    ${g}:`, '      hosts:');
    for (const h of hosts) lines.push(`        ${h}: {}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Every file under `dir` with its content (directories as `dir/`), for before/after comparisons. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      const key = relative(dir, p);
      if (st.isDirectory()) {
        out[`${key}/`] = (st.mode & 0o7777).toString(8);
        walk(p);
      } else out[key] = `${(st.mode & 0o7777).toString(8)} ${readFileSync(p, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}
