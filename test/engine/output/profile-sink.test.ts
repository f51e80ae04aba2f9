import { describe, expect, it } from 'vitest';
import { ProfileSink, profileLine } from '../../../src/engine/output/profile-sink.js';
import type { RunEvent, TaskRef } from '../../../src/engine/run/events.js';
import { result, stats, task } from './fixtures.js';

function profile(events: readonly RunEvent[], top?: number): string[] {
  let out = '';
  const sink = new ProfileSink((t) => (out += t), top === undefined ? {} : { top });
  for (const e of events) sink.emit(e);
  return out.split('\n');
}

function taskRun(t: TaskRef, times: readonly [host: string, ms: number][]): RunEvent[] {
  return [{ type: 'task_start', task: t, hosts: times.map(([h]) => h) }, ...times.map(([h, ms]) => result(t, h, 'ok', { durationMs: ms })), { type: 'task_end', task: t, durationMs: 0 }];
}

const recap: RunEvent = { type: 'recap', stats: { a: stats() }, durationMs: 0 };

describe('ProfileSink', () => {
  it('prints nothing before the recap', () => {
    expect(profile(taskRun(task('t'), [['a', 5]]))).toEqual(['']);
  });

  it('lists tasks slowest first by total across hosts, with the slowest host', () => {
    const lines = profile([
      ...taskRun(task('fast'), [['a', 100], ['b', 100]]),
      ...taskRun(task('slow', { role: 'db' }), [['a', 1000], ['b', 3000], ['c', 500]]),
      ...taskRun(task('middle'), [['a', 1200]]),
      recap,
    ]);
    expect(lines[1]?.startsWith('TASKS PROFILE ***')).toBe(true);
    const rows = lines.slice(2, 5);
    expect(rows.map((l) => l.split(' -')[0])).toEqual(['db : slow', 'middle', 'fast']);
    expect(rows[0]?.endsWith(' 4.50s (max 3.00s b)')).toBe(true);
    expect(rows[1]?.endsWith(' 1.20s (max 1.20s a)')).toBe(true);
    expect(rows[2]?.endsWith(' 0.20s (max 0.10s a)')).toBe(true);
    for (const r of rows) expect(r).toHaveLength(80);
  });

  it('adds up loop items per host and keeps separate runs of the same task apart', () => {
    const t = task('loop');
    const lines = profile([
      { type: 'task_start', task: t, hosts: ['a', 'b'] },
      result(t, 'a', 'ok', { item: '1', durationMs: 300 }),
      result(t, 'a', 'ok', { item: '2', durationMs: 300 }),
      result(t, 'b', 'ok', { item: '1', durationMs: 500 }),
      ...taskRun(t, [['a', 50]]),
      recap,
    ]);
    expect(lines[2]?.endsWith(' 1.10s (max 0.60s a)')).toBe(true);
    expect(lines[3]?.endsWith(' 0.05s (max 0.05s a)')).toBe(true);
  });

  it('keeps only the top N, ties in run order', () => {
    const events = Array.from({ length: 25 }, (_, i) => taskRun(task(`t${i}`), [['a', i < 5 ? 10 : 100]])).flat();
    const lines = profile([...events, recap]);
    const rows = lines.slice(2).filter((l) => l !== '');
    expect(rows).toHaveLength(20);
    expect(rows.map((l) => l.split(' ')[0])).toEqual(Array.from({ length: 20 }, (_, i) => `t${i + 5}`));
    expect(profile([...events, recap], 3).slice(2).filter((l) => l !== '')).toHaveLength(3);
  });

  it('never shrinks the dashes below three for long names', () => {
    expect(profileLine({ label: 'x'.repeat(100), totalMs: 1, maxHostMs: 1, maxHost: 'h' }, 80)).toBe(`${'x'.repeat(100)} --- 0.00s (max 0.00s h)`);
  });
});
