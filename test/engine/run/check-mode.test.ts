/**
 * --check: nothing changes on disk, the changed count equals the real run's,
 * registered predictions drive later `when`s the same way, `check_mode: false`
 * tasks really run, and the check_mode variables are true.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeProject, resultOf, snapshot, tsplay, writeProject, type JsonRecord } from './run-harness.js';

const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  vars:
    root: "{{ playbook_dir }}/work"
  tasks:
    - name: dir
      file: { path: "{{ root }}/d", state: directory, mode: "0755" }
    - name: copy
      copy: { content: "hello\\n", dest: "{{ root }}/d/a.txt" }
      register: copied
    - name: when copied changed
      command: touch {{ root }}/d/marker
      args: { creates: "{{ root }}/d/marker" }
      when: copied is changed
    - name: when copied not changed
      debug: msg=unchanged
      when: copied is not changed
    - name: stat it
      stat: { path: "{{ root }}/d/a.txt" }
      register: st
    - name: stat sees the file
      assert:
        that: st.stat.exists
    - name: forced real run
      shell: echo ran >> {{ root }}/forced.log
      check_mode: false
    - name: mode vars
      debug:
        msg: "{{ check_mode }} {{ ansible_check_mode }}"
`;

const statuses = (events: readonly JsonRecord[]): Record<string, unknown> =>
  Object.fromEntries(events.filter((e) => e.event === 'host_result').map((e) => [String(e.task), e.status]));

describe('check mode', () => {
  let dir: string;
  beforeEach(() => {
    dir = writeProject({ 'pb.yml': PLAYBOOK, 'work/keep.txt': 'existing\n' });
  });
  afterEach(() => removeProject(dir));

  it('changes nothing but check_mode: false tasks, and predicts the real run', async () => {
    const before = snapshot(join(dir, 'work'));
    const check = await tsplay(dir, ['pb.yml', '--check']);
    expect(check.code, check.stderr).toBe(0);
    const afterCheck = snapshot(join(dir, 'work'));
    const { 'forced.log': forced, ...rest } = afterCheck;
    expect(rest).toEqual(before);
    expect(forced).toMatch(/ ran\n$/);
    expect(check.events[0]).toMatchObject({ event: 'playbook_start', check_mode: true });
    expect(resultOf(check, 'mode vars')?.msg).toBe('true true');
    expect(resultOf(check, 'copy')?.result).toMatchObject({ changed: true, check_mode_prediction: true });

    const real = await tsplay(dir, ['pb.yml']);
    expect(real.code, real.stderr).toBe(0);
    expect(real.recap.localhost?.changed).toBe(check.recap.localhost?.changed);
    expect(statuses(real.events)).toEqual(statuses(check.events));
    expect(statuses(real.events)).toMatchObject({ 'when copied changed': 'changed', 'when copied not changed': 'skipped' });
    expect(resultOf(real, 'mode vars')?.msg).toBe('false false');
    expect(readFileSync(join(dir, 'work/d/a.txt'), 'utf8')).toBe('hello\n');
    expect(readFileSync(join(dir, 'work/forced.log'), 'utf8')).toBe('ran\nran\n');
  });

  it('on a converged host, check and real run agree that only commands change', async () => {
    expect((await tsplay(dir, ['pb.yml'])).code).toBe(0);
    const check = await tsplay(dir, ['pb.yml', '--check']);
    const real = await tsplay(dir, ['pb.yml']);
    expect(statuses(check.events)).toEqual(statuses(real.events));
    expect(statuses(real.events)).toMatchObject({
      dir: 'ok',
      copy: 'ok',
      'when copied changed': 'skipped',
      'when copied not changed': 'ok',
      'forced real run': 'changed',
    });
    expect(check.recap.localhost?.changed).toBe(1);
  });
});

describe('check mode and a command it cannot predict', () => {
  const BOOK = `
- hosts: localhost
  gather_facts: false
  tasks:
    - name: unguarded
      command: touch {{ playbook_dir }}/work/made
      register: out
    - name: unguarded, changed_when false
      shell: echo hi > {{ playbook_dir }}/work/hi
      changed_when: false
      failed_when: out.rc != 0
    - name: guarded
      command: touch {{ playbook_dir }}/work/guarded
      args: { creates: "{{ playbook_dir }}/work/guarded" }
`;
  let dir: string;
  beforeEach(() => {
    dir = writeProject({ 'pb.yml': BOOK, 'work/keep.txt': '' });
  });
  afterEach(() => removeProject(dir));

  it('shows it as not run ("would have run"), never as ok, in the events and the recap', async () => {
    const before = snapshot(join(dir, 'work'));
    const check = await tsplay(dir, ['pb.yml', '--check']);
    expect(check.code, check.stderr).toBe(0);
    expect(snapshot(join(dir, 'work'))).toEqual(before);
    expect(statuses(check.events)).toEqual({ unguarded: 'skipped', 'unguarded, changed_when false': 'skipped', guarded: 'changed' });
    for (const task of ['unguarded', 'unguarded, changed_when false']) {
      expect(resultOf(check, task)?.msg).toMatch(/^would have run if not in check mode/);
      expect(resultOf(check, task)?.result).toMatchObject({ skipped: true, changed: false });
    }
    expect(check.recap.localhost).toMatchObject({ ok: 1, changed: 1, skipped: 2 });

    const real = await tsplay(dir, ['pb.yml']);
    expect(real.code, real.stderr).toBe(0);
    expect(statuses(real.events)).toEqual({ unguarded: 'changed', 'unguarded, changed_when false': 'ok', guarded: 'changed' });
  });
});

describe('ctx.earlierChangesPredicted', () => {
  // a project module that reports what the engine tells it
  const PROBE = `export default {
  name: 'probe_prediction',
  description: 'Registers ctx.earlierChangesPredicted.',
  params: { type: 'object', properties: {}, additionalProperties: false },
  async check(ctx) { return { changed: false, result: { earlier: ctx.earlierChangesPredicted } }; },
};
`;
  const BOOK = `
- hosts: localhost
  gather_facts: false
  tasks:
    - name: first
      probe_prediction: {}
    - name: a change
      copy: { content: "x\\n", dest: "{{ playbook_dir }}/work/x.txt" }
    - name: after
      probe_prediction: {}
`;
  const earlier = (o: Awaited<ReturnType<typeof tsplay>>, task: string): unknown => (resultOf(o, task)?.result as JsonRecord | undefined)?.earlier;
  let dir: string;
  beforeEach(() => {
    dir = writeProject({ 'pb.yml': BOOK, 'modules/probe_prediction.mjs': PROBE, 'work/keep.txt': '' });
  });
  afterEach(() => removeProject(dir));

  it('is true under --check once a task on the host predicted a change, and never in a real run', async () => {
    const check = await tsplay(dir, ['pb.yml', '--check']);
    expect(check.code, check.stderr).toBe(0);
    expect(earlier(check, 'first')).toBe(false);
    expect(earlier(check, 'after')).toBe(true);

    const run = await tsplay(dir, ['pb.yml']);
    expect(run.code, run.stderr).toBe(0);
    expect(earlier(run, 'after')).toBe(false);

    // converged: nothing predicted, so nothing pending
    const again = await tsplay(dir, ['pb.yml', '--check']);
    expect(earlier(again, 'after')).toBe(false);
  });
});
