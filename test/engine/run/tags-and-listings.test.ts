/**
 * Tag selection, --start-at-task and the listing modes, on
 * test/fixtures/run/tags (tags from the play, a role entry and a block, plus
 * `always` and `never`). Every row matches what ansible-playbook 2.14 runs or
 * prints for the same playbook.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { taskOrder, tsplay } from './run-harness.js';

const DIR = resolve(import.meta.dirname, '../../fixtures/run/tags');

const selections: { args: string[]; ran: string[] }[] = [
  { args: [], ran: ['role task', 'untagged', 'tagged a', 'always task', 'in block b'] },
  { args: ['--tags', 'a'], ran: ['tagged a', 'always task'] },
  { args: ['--tags', 'b'], ran: ['always task', 'in block b'] },
  { args: ['--tags', 'roletag'], ran: ['role task', 'always task'] },
  { args: ['--skip-tags', 'a'], ran: ['role task', 'untagged', 'always task', 'in block b'] },
  { args: ['--skip-tags', 'always'], ran: ['role task', 'untagged', 'tagged a', 'in block b'] },
  { args: ['--skip-tags', 'playtag'], ran: [] },
  { args: ['--tags', 'debugonly'], ran: ['always task', 'never task'] },
  { args: ['--tags', 'never'], ran: ['always task', 'never task'] },
  { args: ['--tags', 'tagged'], ran: ['role task', 'untagged', 'tagged a', 'always task', 'in block b'] },
  { args: ['--tags', 'untagged'], ran: ['always task'] },
  { args: ['--tags', 'a,b'], ran: ['tagged a', 'always task', 'in block b'] },
  { args: ['--start-at-task', 'tagged*'], ran: ['tagged a', 'always task', 'in block b'] },
];

describe('tag selection', () => {
  it.each(selections)('$args runs $ran', async ({ args, ran }) => {
    const o = await tsplay(DIR, ['pb.yml', ...args]);
    expect(o.code, o.stderr).toBe(0);
    expect(taskOrder(o)).toEqual(ran);
  });
});

const listings: { args: string[]; lines: string[] }[] = [
  {
    args: ['--list-tasks'],
    lines: [
      '  play #1 (localhost): localhost\tTAGS: [playtag]',
      '    tasks:',
      '      tr : role task\tTAGS: [playtag, roletag]',
      '      untagged\tTAGS: [playtag]',
      '      tagged a\tTAGS: [a, playtag]',
      '      always task\tTAGS: [always, playtag]',
      '      in block b\tTAGS: [b, playtag]',
    ],
  },
  {
    args: ['--list-tasks', '--tags', 'a'],
    lines: ['    tasks:', '      tagged a\tTAGS: [a, playtag]', '      always task\tTAGS: [always, playtag]'],
  },
  { args: ['--list-tags'], lines: ['      TASK TAGS: [a, always, b, playtag, roletag]'] },
  { args: ['--list-tags', '--tags', 'a'], lines: ['      TASK TAGS: [a, always, playtag]'] },
  { args: ['--list-hosts'], lines: ["    pattern: ['localhost']", '    hosts (1):', '      localhost'] },
  { args: ['--syntax-check'], lines: [] },
];

describe('listings', () => {
  it.each(listings)('$args', async ({ args, lines }) => {
    const o = await tsplay(DIR, ['pb.yml', ...args], { json: false });
    expect(o.code, o.stderr).toBe(0);
    const out = o.stdout.split('\n').filter((l) => l.trim() !== '');
    expect(out[0]).toMatch(/^playbook: .*pb\.yml$/);
    if (args[0] === '--syntax-check') expect(out).toHaveLength(1);
    const tail = out.slice(out.length - lines.length);
    expect(lines.length ? tail : []).toEqual(lines);
    if (args[0] === '--list-tasks' && args.length === 1) expect(o.stdout).not.toContain('never task');
  });

  it('listing contacts no host and runs nothing', async () => {
    const o = await tsplay(DIR, ['pb.yml', '--list-tasks']);
    expect(o.events).toEqual([]);
  });
});
