/**
 * Output modes through the real CLI: --json writes one parseable event per
 * line, --junit FILE writes the report, --profile prints the slowest tasks
 * first, and colours appear only on a terminal without NO_COLOR (a pseudo
 * terminal from util-linux `script`, when installed).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANSI, CLI, cli, writeProject } from './cli-harness.js';

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - name: quick
      command: echo hi
    - name: slow one
      command: sleep 0.4
    - name: fails but ignored
      command: /bin/false
      ignore_errors: true
    - name: skipped
      command: echo never
      when: false
`;
const INVENTORY = 'all:\n  hosts:\n    localhost:\n      tsplay_connection: local\n';

let dir: string;
beforeAll(() => {
  dir = writeProject({ 'playbook.yml': PLAYBOOK, 'inventory.yml': INVENTORY });
});

const run = (...flags: string[]) => cli(['playbook.yml', '-i', 'inventory.yml', ...flags], { cwd: dir, env: { NO_COLOR: undefined } });

describe('--json', () => {
  it('writes one JSON event per line, from playbook_start to the recap, and nothing else', async () => {
    const r = await run('--json');
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { event: string; status?: string; task?: string });
    expect(events[0]?.event).toBe('playbook_start');
    expect(events.at(-1)?.event).toBe('recap');
    const statuses = Object.fromEntries(events.filter((e) => e.event === 'host_result').map((e) => [e.task, e.status]));
    expect(statuses).toEqual({ quick: 'changed', 'slow one': 'changed', 'fails but ignored': 'failed', skipped: 'skipped' });
    expect(r.stdout).not.toMatch(ANSI);
  });

  it('with --profile still writes only JSON', async () => {
    const r = await run('--json', '--profile');
    for (const line of r.stdout.trimEnd().split('\n')) expect(() => JSON.parse(line), line).not.toThrow();
  });
});

describe('warnings found while loading (the inventory, --limit)', () => {
  // `localhost` is a host and a group; `nosuch` in --limit matches nothing
  const WARNED = 'all:\n  hosts:\n    localhost:\n      tsplay_connection: local\n  children:\n    localhost:\n      hosts: {}\n';
  const WARNINGS = ['--limit: Could not match supplied host pattern, ignoring: nosuch', 'Found both group and host with same name: localhost'];
  const warned = (...flags: string[]) => cli(['playbook.yml', '-i', 'warned.yml', '--limit', 'localhost:nosuch', ...flags], { cwd: dir });

  beforeAll(() => writeFileSync(join(dir, 'warned.yml'), WARNED));

  it('human output: on stderr as [WARNING] lines, before the run; stdout as without them', async () => {
    const r = await warned();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(WARNINGS.map((w) => `[WARNING]: ${w}\n`).join(''));
    const plain = await run('--limit', 'localhost');
    expect(r.stdout).toBe(plain.stdout);
  });

  it('--json: warning events (origin "inventory") before playbook_start, and nothing on stderr', async () => {
    const r = await warned('--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.slice(0, 3).map(({ time: _t, ...e }) => e)).toEqual([
      ...WARNINGS.map((message) => ({ event: 'warning', message, origin: 'inventory' })),
      { event: 'playbook_start', file: join(dir, 'playbook.yml'), check_mode: false },
    ]);
  });

  it('--list-hosts and a run that stops while loading: on stderr, as before', async () => {
    const listed = await warned('--list-hosts', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toBe(WARNINGS.map((w) => `[WARNING]: ${w}\n`).join(''));
    const stopped = await cli(['playbook.yml', '-i', 'warned.yml', '--limit', 'nosuch', '--json'], { cwd: dir });
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/^\[WARNING\]: --limit: Could not match supplied host pattern, ignoring: nosuch\nERROR! --limit 'nosuch' leaves no hosts to target \[E_NO_HOSTS\]/);
    expect(stopped.stdout).toBe('');
  });
});

describe('--junit FILE', () => {
  it('writes a report with a test case per task and host', async () => {
    const file = join(dir, 'report.xml');
    const r = await run('--junit', file);
    expect(r.code, r.stderr).toBe(0);
    const xml = readFileSync(file, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="tsplay" tests="4"/);
    for (const task of ['quick', 'slow one', 'fails but ignored', 'skipped']) expect(xml).toContain(`name="[localhost] ${task}"`);
    expect(xml).toContain('<skipped');
    expect(r.stdout).toContain('PLAY RECAP'); // human output as well
  });
});

describe('--profile', () => {
  it('prints the tasks slowest first after the recap', async () => {
    const r = await run('--profile');
    expect(r.code, r.stderr).toBe(0);
    const profile = r.stdout.slice(r.stdout.indexOf('TASKS PROFILE'));
    expect(r.stdout.indexOf('TASKS PROFILE')).toBeGreaterThan(r.stdout.indexOf('PLAY RECAP'));
    const rows = profile.split('\n').slice(1).filter((l) => / -+ \d+\.\d+s/.test(l));
    expect(rows[0]).toMatch(/^slow one -+ 0\.[4-9]\d?s|^slow one -+ \d+\.\d+s/);
    const seconds = rows.map((l) => Number(/(\d+\.\d+)s/.exec(l)?.[1]));
    expect(seconds).toEqual([...seconds].sort((a, b) => b - a));
    expect(seconds[0]).toBeGreaterThanOrEqual(0.4);
  });
});

describe('colours', () => {
  it('none when stdout is not a terminal, NO_COLOR or not', async () => {
    for (const env of [{ NO_COLOR: undefined }, { NO_COLOR: '1' }]) {
      const r = await cli(['playbook.yml', '-i', 'inventory.yml', '--diff', '-v'], { cwd: dir, env });
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(ANSI);
    }
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  /** The CLI on a pseudo terminal of `cols` columns; returns what the terminal showed. */
  const onTerminal = (env: NodeJS.ProcessEnv, cols: number): { code: number | null; shown: string } => {
    const command = `${cols ? `stty cols ${cols}; ` : ''}${process.execPath} ${CLI} playbook.yml -i inventory.yml`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
    return { code: r.status, shown: r.stdout };
  };

  it.runIf(hasScript)('on a terminal: colours, and none with NO_COLOR', () => {
    const { NO_COLOR: _drop, ...env } = process.env;
    const coloured = onTerminal({ ...env, NO_COLOR: '' }, 100);
    expect(coloured.code).toBe(0);
    expect(coloured.shown).toMatch(/\u001b\[3\dm/);
    const plain = onTerminal({ ...env, NO_COLOR: '1' }, 100);
    expect(plain.code).toBe(0);
    expect(plain.shown).toContain('PLAY RECAP');
    expect(plain.shown).not.toMatch(/\u001b\[3\dm/);
  });

  it.runIf(hasScript)('a terminal that reports no width does not hang the run', () => {
    const r = onTerminal({ NO_COLOR: '' }, 0);
    expect(r.code).toBe(0);
    expect(r.shown).toContain('PLAY RECAP');
    expect(r.shown.length).toBeLessThan(20_000); // no endless line clearing
  });
});
