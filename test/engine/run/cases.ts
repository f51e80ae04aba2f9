/**
 * A table row for a playbook run: the project's files, the command-line
 * arguments, and what the run must show (exit code, recap rows, and any
 * further checks on the outcome). `runCase` writes the project, runs it and
 * checks the row; the test files are tables of these.
 */
import { expect } from 'vitest';
import { recapRow, removeProject, tsplay, writeProject, type HostRecap, type RunOutcome } from './run-harness.js';

export interface RunCase {
  readonly name: string;
  /** path → text; the playbook is `pb.yml` unless `args` names another */
  readonly files: Readonly<Record<string, string>>;
  /** arguments after the playbook (`pb.yml` is added first unless args start with a .yml file) */
  readonly args?: readonly string[];
  readonly code: number;
  /** recap rows per host; hosts not named must be absent */
  readonly recap?: Readonly<Record<string, Partial<HostRecap>>>;
  readonly then?: (o: RunOutcome, dir: string) => void;
}

export async function runCase(c: RunCase): Promise<RunOutcome> {
  const dir = writeProject(c.files);
  try {
    const args = c.args?.[0]?.endsWith('.yml') ? c.args : ['pb.yml', ...(c.args ?? [])];
    const o = await tsplay(dir, args);
    expect(o.code, `exit code; stderr: ${o.stderr}`).toBe(c.code);
    if (c.recap) {
      const want: Record<string, HostRecap> = {};
      for (const [h, r] of Object.entries(c.recap)) want[h] = recapRow(r);
      expect(o.recap).toEqual(want);
    }
    c.then?.(o, dir);
    return o;
  } finally {
    removeProject(dir);
  }
}

/** A one-play playbook on `hosts` without fact gathering, with `tasks` (YAML, indented 4) and optional `handlers`. */
export function play(tasks: string, opts: { hosts?: string; handlers?: string; extra?: string } = {}): string {
  return [
    `- hosts: ${opts.hosts ?? 'localhost'}`,
    '  gather_facts: false',
    ...(opts.extra ? [opts.extra.replace(/^/gm, '  ').trimEnd()] : []),
    '  tasks:',
    tasks.replace(/^/gm, '    ').trimEnd(),
    ...(opts.handlers ? ['  handlers:', opts.handlers.replace(/^/gm, '    ').trimEnd()] : []),
    '',
  ].join('\n');
}
