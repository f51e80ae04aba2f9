/**
 * include_tasks (templated file name, `when`, loop shared by hosts with the
 * same items), import_tasks, and meta end_host / end_play / flush_handlers.
 * Task order and per-host results match ansible-playbook 2.14, except that
 * Ansible also counts each include (per item) as an ok result in the recap.
 */
import { describe, expect, it } from 'vitest';
import { runCase, type RunCase } from './cases.js';
import { localInventory, results, taskOrder, type JsonRecord } from './run-harness.js';

const hostsOf = (rs: readonly JsonRecord[]): unknown[] => rs.map((r) => r.host).sort();

const FILES = {
  'inv.yml': localInventory(['h1', 'h2', 'h3'], 'web'),
  'part.yml': '- name: part task\n  debug: msg=part\n',
  'each.yml': '- name: each task\n  debug:\n    msg: "{{ thing }}-{{ idx }}"\n- name: each second\n  debug: msg=second\n',
  'imported.yml': '- name: imported task\n  debug: msg=imp\n',
  'pb.yml': `
- hosts: web
  gather_facts: false
  vars:
    which: part
  tasks:
    - name: include templated
      include_tasks: "{{ which }}.yml"
    - name: include loop
      include_tasks: each.yml
      loop: [a, b]
      loop_control:
        loop_var: thing
        index_var: idx
    - import_tasks: imported.yml
    - name: include when
      include_tasks: part.yml
      when: inventory_hostname == 'h2'
    - name: end h1
      meta: end_host
      when: inventory_hostname == 'h1'
    - name: after end_host
      debug: msg=still
    - name: end play
      meta: end_play
    - name: never
      debug: msg=never
- hosts: web
  gather_facts: false
  tasks:
    - name: next play
      debug: msg=next
`,
};

const cases: RunCase[] = [
  {
    name: 'includes, imports, end_host and end_play',
    files: FILES,
    args: ['pb.yml', '-i', 'inv.yml'],
    code: 0,
    recap: { h1: { ok: 7 }, h2: { ok: 9 }, h3: { ok: 8 } },
    then: (o) => {
      expect(taskOrder(o)).toEqual([
        'part task',
        'each task',
        'each second',
        'each task',
        'each second',
        'imported task',
        'part task',
        'after end_host',
        'next play',
      ]);
      const each = results(o, 'each task').filter((r) => r.host === 'h3');
      expect(each.map((r) => r.msg)).toEqual(['a-0', 'b-1']);
      expect(hostsOf(results(o, 'part task'))).toEqual(['h1', 'h2', 'h2', 'h3']);
      expect(hostsOf(results(o, 'after end_host'))).toEqual(['h2', 'h3']);
      expect(results(o, 'never')).toEqual([]);
      expect(hostsOf(results(o, 'next play'))).toEqual(['h1', 'h2', 'h3']);
    },
  },
  {
    name: 'a missing templated include fails the host with the file name',
    files: {
      'pb.yml': '- hosts: localhost\n  gather_facts: false\n  vars:\n    which: nope\n  tasks:\n    - include_tasks: "{{ which }}.yml"\n',
    },
    code: 2,
    recap: { localhost: { failed: 1 } },
    then: (o) => expect(results(o).map((r) => r.msg)).toEqual([expect.stringMatching(/file not found: .*nope\.yml/)]),
  },
  {
    name: 'a failed include is rescued like any failed task',
    files: {
      'pb.yml': `- hosts: localhost
  gather_facts: false
  tasks:
    - block:
        - include_tasks: "{{ default missing_name 'absent' }}.yml"
      rescue:
        - name: rescued
          debug: msg=r
`,
    },
    code: 0,
    recap: { localhost: { ok: 1, rescued: 1 } },
  },
];

describe('include_tasks, import_tasks and meta', () => {
  it.each(cases)('$name', async (c) => {
    await runCase(c);
  });
});
