/**
 * loop and loop_control, `when` per item, registered loops, until/retries,
 * changed_when/failed_when on the registered result, ignore_errors. Recap
 * rows were checked against ansible-playbook 2.14 (except where noted).
 */
import { describe, expect, it } from 'vitest';
import { play, runCase, type RunCase } from './cases.js';
import { resultOf, results, type JsonRecord } from './run-harness.js';

const items = (o: Parameters<NonNullable<RunCase['then']>>[0], task: string): JsonRecord[] =>
  results(o, task).filter((r) => r.item !== undefined);

const cases: RunCase[] = [
  {
    name: 'loop_control loop_var, index_var and label; when per item; register of a loop',
    files: {
      'pb.yml': play(`
- name: loop with control
  debug: var=thing
  loop: [a, b, c]
  loop_control:
    loop_var: thing
    index_var: idx
    label: "L{{ idx }}"
  when: idx != 1
  register: looped
- name: count results
  assert:
    that:
      - looped.results | length == 3
      - looped.results[1].skipped
      - looped.results[0].thing == 'a'
      - looped.results[2].thing == 'c'
      - looped is not skipped
`),
    },
    code: 0,
    recap: { localhost: { ok: 2 } },
    then: (o) => {
      expect(items(o, 'loop with control').map((r) => [r.item, r.status])).toEqual([
        ['L0', 'ok'],
        ['L1', 'skipped'],
        ['L2', 'ok'],
      ]);
    },
  },
  {
    name: 'a loop over a registered loop result',
    files: {
      'pb.yml': play(`
- name: cmd loop
  command: echo {{ item }}
  loop: [x, y]
  register: cmds
- name: loop over registered
  debug: msg="{{ item.item }}={{ item.stdout }}"
  loop: "{{ cmds.results }}"
  loop_control:
    label: "{{ item.item }}"
  register: again
- assert:
    that: again.results | length == 2
`),
    },
    code: 0,
    recap: { localhost: { ok: 3, changed: 1 } },
    then: (o) => {
      expect(items(o, 'loop over registered').map((r) => (r.result as JsonRecord).msg)).toEqual(['x=x', 'y=y']);
      expect(items(o, 'loop over registered').map((r) => r.item)).toEqual(['x', 'y']);
    },
  },
  {
    name: 'every item skipped, and an empty loop, are skipped',
    files: {
      'pb.yml': play(`
- name: all skipped
  debug: msg=x
  loop: [1, 2]
  when: false
- name: empty loop
  debug: msg=x
  loop: []
  register: empty
- assert:
    that:
      - empty is skipped
      - empty.results == []
`),
    },
    code: 0,
    recap: { localhost: { ok: 1, skipped: 2 } },
  },
  {
    name: 'one failed item fails the task; the other items still run',
    files: {
      'pb.yml': play(`
- name: items
  command: "{{ item }}"
  loop: ["true", "false", "true"]
`),
    },
    code: 2,
    recap: { localhost: { failed: 1 } },
    then: (o) => {
      expect(items(o, 'items').map((r) => r.status)).toEqual(['changed', 'failed', 'changed']);
      expect(resultOf(o, 'items')).toMatchObject({ status: 'failed', msg: 'One or more items failed' });
    },
  },
  {
    name: 'until retries with delay 0 and registers attempts',
    files: {
      'pb.yml': play(`
- name: until
  command: echo hi
  register: u
  until: u.attempts >= 3
  retries: 5
  delay: 0
- assert:
    that:
      - u.attempts == 3
      - u is changed
`),
    },
    code: 0,
    recap: { localhost: { ok: 2, changed: 1 } },
    then: (o) => expect(o.events.filter((e) => e.event === 'debug' && String(e.message).includes('RETRYING'))).toHaveLength(2),
  },
  {
    name: 'until never met fails after retries + 1 attempts',
    files: {
      'pb.yml': play(`
- name: never
  command: echo hi
  register: u
  until: false
  retries: 2
  delay: 0
  ignore_errors: true
- assert:
    that:
      - u is failed
      - u.attempts == 3
`),
    },
    code: 0,
    recap: { localhost: { ok: 2, changed: 1, ignored: 1 } },
  },
  {
    name: 'until met on a failed result stops retrying, and the task stays failed',
    files: {
      'pb.yml': play(`
- name: fails
  command: "false"
  register: u
  until: u.rc == 1
  retries: 4
  delay: 0
  ignore_errors: true
- assert:
    that:
      - u is failed
      - u.attempts == 1
`),
    },
    code: 0,
    // command results are changed even when they fail; an ignored one counts as changed (as in Ansible)
    recap: { localhost: { ok: 2, changed: 1, ignored: 1 } },
  },
  {
    name: 'changed_when and failed_when see the registered result',
    files: {
      'pb.yml': play(`
- name: changed_when
  command: echo hi
  register: c
  changed_when: "'hi' not in c.stdout"
- name: failed_when
  command: echo boom
  register: f
  failed_when: "'boom' in f.stdout"
  ignore_errors: true
- name: changed by rc
  command: "false"
  register: r
  failed_when: false
  changed_when: r.rc == 1
- assert:
    that:
      - c is not changed
      - f is failed
      - r is changed
      - r is not failed
`),
    },
    code: 0,
    recap: { localhost: { ok: 4, changed: 2, ignored: 1 } },
  },
];

describe('loops, retries and result overrides', () => {
  it.each(cases)('$name', async (c) => {
    await runCase(c);
  });
});
