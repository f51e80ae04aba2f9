/**
 * Blocks (rescue, always, nesting, inherited `when`) and handlers (by name,
 * by listen, flush points, chains, check mode). Recap rows and handler
 * order were checked against ansible-playbook 2.14.
 */
import { describe, expect, it } from 'vitest';
import { play, runCase, type RunCase } from './cases.js';
import { localInventory, results, resultOf, taskOrder } from './run-harness.js';

const blockCases: RunCase[] = [
  {
    name: 'rescue turns a failure into rescued; always runs after it',
    files: {
      'pb.yml': play(`
- block:
    - name: fails
      fail: msg=x
    - name: skipped by the failure
      debug: msg=no
  rescue:
    - name: rescuer
      debug: msg=r
  always:
    - name: always
      debug: msg=a
- name: after the block
  debug: msg=after
`),
    },
    code: 0,
    recap: { localhost: { ok: 3, rescued: 1 } },
    then: (o) => expect(taskOrder(o)).toEqual(['fails', 'rescuer', 'always', 'after the block']),
  },
  {
    name: 'a failure in rescue fails the host, which still goes through always',
    files: {
      'pb.yml': play(`
- block:
    - name: fails
      fail: msg=x
  rescue:
    - name: rescue fails
      fail: msg=again
  always:
    - name: always
      debug: msg=a
- name: not reached
  debug: msg=x
`),
    },
    code: 2,
    recap: { localhost: { ok: 1, failed: 1, rescued: 1 } },
    then: (o) => {
      expect(resultOf(o, 'always')).toMatchObject({ status: 'ok' });
      expect(results(o, 'not reached')).toEqual([]);
    },
  },
  {
    name: 'without rescue, a failed host runs always and stays failed',
    files: {
      'pb.yml': play(`
- block:
    - name: fails
      fail: msg=x
  always:
    - name: always
      debug: msg=a
- name: not reached
  debug: msg=x
`),
    },
    code: 2,
    recap: { localhost: { ok: 1, failed: 1 } },
  },
  {
    name: 'nested blocks with an inherited when, over three hosts',
    files: {
      'inv.yml': localInventory(['h1', 'h2', 'h3'], 'web'),
      'pb.yml': play(
        `
- name: outer
  when: inventory_hostname != 'h3'
  block:
    - name: inner1
      debug: msg=i1
    - block:
        - name: nested fails on h2
          fail: msg=nested
          when: inventory_hostname == 'h2'
        - name: nested after
          debug: msg=after
      rescue:
        - name: nested rescue
          debug: msg=r
      always:
        - name: nested always
          debug: msg=a
`,
        { hosts: 'web' },
      ),
    },
    args: ['pb.yml', '-i', 'inv.yml'],
    code: 0,
    recap: {
      h1: { ok: 3, skipped: 1 },
      h2: { ok: 3, rescued: 1 },
      h3: { skipped: 4 },
    },
    then: (o) => {
      expect(resultOf(o, 'nested after', 'h2')).toBeUndefined();
      expect(resultOf(o, 'nested rescue', 'h1')).toBeUndefined();
      for (const t of ['inner1', 'nested fails on h2', 'nested after', 'nested always']) {
        expect(resultOf(o, t, 'h3'), t).toMatchObject({ status: 'skipped' });
      }
    },
  },
];

const handlerCases: RunCase[] = [
  {
    name: 'by name and by listen, in definition order, a chain, flush_handlers, and nothing for an unchanged task',
    files: {
      'pb.yml': play(
        `
- name: change 1
  command: echo 1
  notify: h1
- name: change 2
  command: echo 2
  notify: [h1, topic]
- name: nochange
  debug: msg=x
  notify: h3
- meta: flush_handlers
- name: after flush
  command: echo 3
  notify: h1
`,
        {
          handlers: `
- name: h3
  debug: msg=h3
- name: h1
  command: echo h1
  notify: h2
- name: h2
  debug: msg=h2
- name: listener
  debug: msg=listener
  listen: topic
`,
        },
      ),
    },
    code: 0,
    recap: { localhost: { ok: 9, changed: 5 } },
    then: (o) => {
      expect(taskOrder(o)).toEqual(['change 1', 'change 2', 'nochange', 'h1', 'h2', 'listener', 'after flush', 'h1', 'h2']);
      expect(results(o, 'h1').every((r) => r.handler === true)).toBe(true);
      expect(results(o, 'h3')).toEqual([]);
    },
  },
  {
    name: 'handlers flush after pre_tasks, roles+tasks and post_tasks; role handlers come first',
    files: {
      'roles/rh/tasks/main.yml': '- name: role change\n  command: echo r\n  notify: role handler\n',
      'roles/rh/handlers/main.yml': '- name: role handler\n  debug: msg=rolehandler\n',
      'pb.yml': `- hosts: localhost
  gather_facts: false
  pre_tasks:
    - name: pre change
      command: echo pre
      notify: h
  roles:
    - rh
  tasks:
    - name: task change
      command: echo t
      notify: [h, role handler]
  post_tasks:
    - name: post change
      command: echo post
      notify: h
  handlers:
    - name: h
      debug: msg=h
`,
    },
    code: 0,
    recap: { localhost: { ok: 8, changed: 4 } },
    then: (o) =>
      expect(taskOrder(o)).toEqual(['pre change', 'h', 'role change', 'task change', 'role handler', 'h', 'post change', 'h']),
  },
  {
    name: 'notified twice, a handler runs once at the end of the section',
    files: {
      'pb.yml': play(
        `
- name: a
  command: echo a
  notify: restart
- name: b
  command: echo b
  notify: restart
- name: last task
  debug: msg=last
`,
        { handlers: '- name: restart\n  debug: msg=restarted\n' },
      ),
    },
    code: 0,
    recap: { localhost: { ok: 4, changed: 2 } },
    then: (o) => expect(taskOrder(o)).toEqual(['a', 'b', 'last task', 'restart']),
  },
  {
    name: 'a failed host does not run its handlers',
    files: {
      'pb.yml': play('- name: a\n  command: echo a\n  notify: restart\n- name: boom\n  fail: msg=x\n', {
        handlers: '- name: restart\n  debug: msg=restarted\n',
      }),
    },
    code: 2,
    recap: { localhost: { ok: 1, changed: 1, failed: 1 } },
    then: (o) => expect(results(o, 'restart')).toEqual([]),
  },
  {
    name: 'in check mode a handler runs when a change is predicted',
    files: {
      'pb.yml': play(
        `
- name: would create
  copy:
    content: hello
    dest: "{{ playbook_dir }}/out.txt"
  notify: h
- name: would not change
  stat:
    path: "{{ playbook_dir }}/pb.yml"
  notify: never
`,
        { handlers: '- name: h\n  debug: msg=handled\n- name: never\n  debug: msg=no\n' },
      ),
    },
    args: ['pb.yml', '--check'],
    code: 0,
    recap: { localhost: { ok: 3, changed: 1 } },
    then: (o) => {
      expect(resultOf(o, 'h')).toMatchObject({ status: 'ok', handler: true });
      expect(results(o, 'never')).toEqual([]);
      expect(taskOrder(o)).not.toContain('never');
    },
  },
];

describe('blocks', () => {
  it.each(blockCases)('$name', async (c) => {
    await runCase(c);
  });
});

describe('handlers', () => {
  it.each(handlerCases)('$name', async (c) => {
    await runCase(c);
  });
});
