import { describe, expect, it } from 'vitest';
import { JsonSink } from '../../../src/engine/output/json-sink.js';
import type { RunEvent } from '../../../src/engine/run/events.js';
import { RedactingSink } from '../../../src/engine/run/redacting-sink.js';
import { Redactor } from '../../../src/engine/secret.js';
import { playWithTask, result, stats, task } from './fixtures.js';

const clock = (): Date => new Date('2025-01-02T03:04:05.678Z');

function jsonLines(events: readonly RunEvent[], redactor?: Redactor): { raw: string; records: Record<string, unknown>[] } {
  let raw = '';
  const json = new JsonSink((t) => (raw += t), { now: clock });
  const sink = redactor ? new RedactingSink(json, redactor) : json;
  for (const e of events) sink.emit(e);
  const lines = raw.split('\n');
  expect(lines.pop()).toBe('');
  return { raw, records: lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const t = task('write config', { module: 'copy', role: 'app', where: 'roles/app/tasks/main.yml:3' });

describe('JsonSink', () => {
  const cases: { name: string; event: RunEvent; expected: Record<string, unknown> }[] = [
    {
      name: 'playbook_start',
      event: { type: 'playbook_start', file: 'site.yml', checkMode: true },
      expected: { event: 'playbook_start', file: 'site.yml', check_mode: true },
    },
    {
      name: 'task_start',
      event: { type: 'task_start', task: t, hosts: ['a', 'b'] },
      expected: { event: 'task_start', task: 'write config', module: 'copy', role: 'app', where: 'roles/app/tasks/main.yml:3', handler: false, hosts: ['a', 'b'] },
    },
    {
      name: 'host_result',
      event: result(t, 'a', 'changed', {
        durationMs: 42,
        item: 'x',
        msg: 'written',
        delegatedTo: 'b',
        diff: [{ label: '/etc/app', before: 'old\n', after: 'new\n' }],
        result: { dest: '/etc/app' },
      }),
      expected: {
        event: 'host_result',
        task: 'write config',
        module: 'copy',
        role: 'app',
        where: 'roles/app/tasks/main.yml:3',
        handler: false,
        host: 'a',
        delegated_to: 'b',
        status: 'changed',
        changed: true,
        ignored: false,
        duration_ms: 42,
        item: 'x',
        msg: 'written',
        diff: [{ label: '/etc/app', before: 'old\n', after: 'new\n' }],
        result: { dest: '/etc/app' },
      },
    },
    {
      name: 'ignored failure',
      event: result(task('t'), 'a', 'failed', { ignored: true, durationMs: 1 }),
      expected: { event: 'host_result', task: 't', module: 'command', handler: false, host: 'a', status: 'failed', changed: false, ignored: true, duration_ms: 1, result: {} },
    },
    {
      name: 'task_end',
      event: { type: 'task_end', task: task('t', { handler: true }), durationMs: 7 },
      expected: { event: 'task_end', task: 't', module: 'command', handler: true, duration_ms: 7 },
    },
    { name: 'warning', event: { type: 'warning', message: 'w', host: 'a' }, expected: { event: 'warning', message: 'w', host: 'a' } },
    { name: 'debug', event: { type: 'debug', level: 3, message: 'exec ls' }, expected: { event: 'debug', level: 3, message: 'exec ls' } },
    {
      name: 'recap',
      event: { type: 'recap', stats: { a: stats({ ok: 2, changed: 1 }) }, durationMs: 900 },
      expected: { event: 'recap', stats: { a: stats({ ok: 2, changed: 1 }) }, duration_ms: 900 },
    },
  ];

  it.each(cases)('$name', ({ event, expected }) => {
    const { records } = jsonLines([event]);
    expect(records).toEqual([{ ...expected, time: '2025-01-02T03:04:05.678Z' }]);
  });

  it('writes one parseable line per event and tags events with their play', () => {
    const events = playWithTask(t, ['a'], [result(t, 'a', 'ok', { msg: 'line one\nline two\u2028' })]);
    const { records } = jsonLines(events);
    expect(records.map((r) => r['event'])).toEqual(['play_start', 'task_start', 'host_result', 'task_end', 'play_end']);
    expect(records.map((r) => r['play'])).toEqual(['web', 'web', 'web', 'web', 'web']);
    expect(records[2]?.['msg']).toBe('line one\nline two\u2028');
  });

  it('uses only snake_case keys', () => {
    const { records } = jsonLines([...playWithTask(t, ['a'], [result(t, 'a', 'changed', { delegatedTo: 'b', durationMs: 1 })]), { type: 'playbook_start', file: 'f', checkMode: false }]);
    for (const r of records) for (const k of Object.keys(r)) expect(k).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('redacts behind the RedactingSink', () => {
    const redactor = new Redactor();
    redactor.add('topsecret');
    const { raw } = jsonLines([result(t, 'a', 'failed', { msg: 'topsecret leaked', result: { nested: ['topsecret'] } })], redactor);
    expect(raw).not.toContain('topsecret');
    expect(raw).toContain('******** leaked');
  });
});
