/**
 * Several local hosts: serial batches, failure policies (max_fail_percentage,
 * any_errors_fatal, a wholly failed batch), strategies, forks, run_once and
 * delegate_to. Recap rows were checked against ansible-playbook 2.14 on the
 * same playbooks and inventory.
 */
import { describe, expect, it } from 'vitest';
import { play, runCase, type RunCase } from './cases.js';
import { localInventory, resultOf, results, type JsonRecord } from './run-harness.js';

const INV = localInventory(['h1', 'h2', 'h3'], 'web');
const FIVE = {
  'inv.yml': [
    'all:',
    '  vars:',
    '    tsplay_connection: local',
    '  children:',
    '    web:',
    '      hosts: { h1: {}, h2: {}, h3: {} }',
    '    db:',
    '      hosts: { h4: {}, h5: {} }',
    '',
  ].join('\n'),
};
const I = ['pb.yml', '-i', 'inv.yml'];

const batchesOf = (events: readonly JsonRecord[], task: string): unknown[] =>
  events.filter((e) => e.event === 'task_start' && e.task === task).map((e) => e.hosts);

const secondPlay = play('- name: second play\n  debug: msg=y\n', { hosts: 'db' });

const cases: RunCase[] = [
  {
    name: 'serial as a list: batch sizes 1 then 50% (repeating), in order',
    files: { ...FIVE, 'pb.yml': play('- name: t\n  debug: msg=x\n', { hosts: 'all', extra: 'serial: [1, "50%"]' }) },
    args: I,
    code: 0,
    then: (o) => expect(batchesOf(o.events, 't')).toEqual([['h1'], ['h2', 'h3'], ['h4', 'h5']]),
  },
  {
    name: 'serial as a number and a percentage',
    files: {
      ...FIVE,
      'pb.yml': `${play('- name: by two\n  debug: msg=x\n', { hosts: 'all', extra: 'serial: 2' })}${play('- name: by 40%\n  debug: msg=x\n', { hosts: 'all', extra: 'serial: "40%"' })}`,
    },
    args: I,
    code: 0,
    then: (o) => {
      expect(batchesOf(o.events, 'by two')).toEqual([['h1', 'h2'], ['h3', 'h4'], ['h5']]);
      expect(batchesOf(o.events, 'by 40%')).toEqual([['h1', 'h2'], ['h3', 'h4'], ['h5']]);
    },
  },
  {
    // Ansible templates serial with the play's variables: this crashed after the recap ('invalid serial value')
    name: 'templated serial: play vars, role vars, a vars file and extra vars, rendered before the play',
    files: {
      ...FIVE,
      'sizes.yml': 'from_file: "40%"\n',
      'roles/sized/vars/main.yml': 'from_role: 3\n',
      'roles/sized/tasks/main.yml': '- name: in role\n  debug: msg=r\n',
      'pb.yml': [
        play('- name: by play vars\n  debug: msg=x\n', { hosts: 'all', extra: 'vars: { batch: 2 }\nserial: "{{ batch }}"' }),
        play('- name: by list\n  debug: msg=x\n', { hosts: 'all', extra: 'vars: { first: 1 }\nserial: ["{{ first }}", "{{ from_file }}"]\nvars_files: [sizes.yml]' }),
        play('- name: by role vars\n  debug: msg=x\n', { hosts: 'all', extra: 'roles: [sized]\nserial: "{{ from_role }}"' }),
        play('- name: by extra vars\n  debug: msg=x\n', { hosts: 'all', extra: 'vars: { batch: 2 }\nserial: "{{ batch }}"' }),
      ].join(''),
    },
    args: [...I, '-e', 'batch=4'],
    code: 0,
    then: (o) => {
      // -e wins over play vars for the first and last play alike
      expect(batchesOf(o.events, 'by play vars')).toEqual([['h1', 'h2', 'h3', 'h4'], ['h5']]);
      expect(batchesOf(o.events, 'by list')).toEqual([['h1'], ['h2', 'h3'], ['h4', 'h5']]);
      expect(batchesOf(o.events, 'in role')).toEqual([['h1', 'h2', 'h3'], ['h4', 'h5']]);
      expect(batchesOf(o.events, 'by extra vars')).toEqual([['h1', 'h2', 'h3', 'h4'], ['h5']]);
    },
  },
  {
    name: 'a batch over max_fail_percentage stops the play and the playbook',
    files: {
      ...FIVE,
      'pb.yml': `${play("- name: fail h2 h3\n  fail: msg=x\n  when: inventory_hostname in ['h2', 'h3']\n- name: after\n  debug: msg=after\n", {
        hosts: 'all',
        extra: 'serial: [1, "50%"]\nmax_fail_percentage: 40',
      })}${secondPlay}`,
    },
    args: I,
    code: 2,
    recap: { h1: { ok: 1, skipped: 1 }, h2: { failed: 1 }, h3: { failed: 1 } },
    then: (o) => expect(results(o, 'second play')).toEqual([]),
  },
  {
    name: 'any_errors_fatal ends the play for every host, and the playbook',
    files: {
      ...FIVE,
      'pb.yml': `${play("- name: one fails\n  fail: msg=x\n  when: inventory_hostname == 'h2'\n- name: after\n  debug: msg=after\n", {
        hosts: 'all',
        extra: 'any_errors_fatal: true',
      })}${secondPlay}`,
    },
    args: I,
    code: 2,
    recap: { h1: { skipped: 1 }, h2: { failed: 1 }, h3: { skipped: 1 }, h4: { skipped: 1 }, h5: { skipped: 1 } },
  },
  {
    name: 'a rescued failure does not trigger any_errors_fatal',
    files: {
      ...FIVE,
      'pb.yml': play("- block:\n    - name: fails on h1\n      fail: msg=x\n      when: inventory_hostname == 'h1'\n  rescue:\n    - name: rescued\n      debug: msg=r\n- name: after\n  debug: msg=after\n", {
        hosts: 'web',
        extra: 'any_errors_fatal: true',
      }),
    },
    args: I,
    code: 0,
    recap: { h1: { ok: 2, rescued: 1 }, h2: { ok: 1, skipped: 1 }, h3: { ok: 1, skipped: 1 } },
  },
  {
    name: 'rescued and ignored failures do not count toward max_fail_percentage',
    files: {
      ...FIVE,
      'pb.yml': play(
        "- block:\n    - name: fails on h1\n      fail: msg=x\n      when: inventory_hostname == 'h1'\n  rescue:\n    - name: rescued\n      debug: msg=r\n- name: ignored on h2\n  fail: msg=y\n  when: inventory_hostname == 'h2'\n  ignore_errors: true\n- name: last\n  debug: msg=last\n",
        { hosts: 'web', extra: 'max_fail_percentage: 10' },
      ),
    },
    args: I,
    code: 0,
    recap: { h1: { ok: 2, skipped: 1, rescued: 1 }, h2: { ok: 2, skipped: 1, ignored: 1 }, h3: { ok: 1, skipped: 2 } },
  },
  {
    name: 'a failure in rescue still triggers any_errors_fatal',
    files: {
      ...FIVE,
      'pb.yml': `${play("- block:\n    - name: fails on h1\n      fail: msg=x\n      when: inventory_hostname == 'h1'\n  rescue:\n    - name: rescue fails\n      fail: msg=again\n- name: after\n  debug: msg=after\n", {
        hosts: 'web',
        extra: 'any_errors_fatal: true',
      })}${secondPlay}`,
    },
    args: I,
    code: 2,
    recap: { h1: { failed: 1, rescued: 1 }, h2: { skipped: 1 }, h3: { skipped: 1 } },
  },
  {
    name: 'a batch where every host failed stops later batches and plays',
    files: {
      ...FIVE,
      'pb.yml': `${play("- name: batch fails\n  fail: msg=x\n  when: inventory_hostname in ['h3', 'h4']\n- name: after\n  debug: msg=after\n", {
        hosts: 'all',
        extra: 'serial: 2',
      })}${secondPlay}`,
    },
    args: I,
    code: 2,
    recap: { h1: { ok: 1, skipped: 1 }, h2: { ok: 1, skipped: 1 }, h3: { failed: 1 }, h4: { failed: 1 } },
  },
  {
    name: 'a play whose hosts all failed stops the playbook',
    files: { ...FIVE, 'pb.yml': `${play('- name: all fail\n  fail: msg=x\n', { hosts: 'web' })}${secondPlay}` },
    args: I,
    code: 2,
    recap: { h1: { failed: 1 }, h2: { failed: 1 }, h3: { failed: 1 } },
  },
  {
    name: 'one failed host does not stop the others or later plays',
    files: { ...FIVE, 'pb.yml': `${play("- name: h1 fails\n  fail: msg=x\n  when: inventory_hostname == 'h1'\n", { hosts: 'web' })}${secondPlay}` },
    args: I,
    code: 2,
    recap: { h1: { failed: 1 }, h2: { skipped: 1 }, h3: { skipped: 1 }, h4: { ok: 1 }, h5: { ok: 1 } },
  },
  {
    name: 'run_once runs on the first host and registers the result for all',
    files: {
      'inv.yml': INV,
      'pb.yml': play("- name: once\n  command: echo once-{{ inventory_hostname }}\n  run_once: true\n  register: once\n- name: all see it\n  assert:\n    that: once.stdout == 'once-h1'\n", {
        hosts: 'web',
      }),
    },
    args: I,
    code: 0,
    recap: { h1: { ok: 2, changed: 1 }, h2: { ok: 1 }, h3: { ok: 1 } },
    then: (o) => expect(results(o, 'once').map((r) => r.host)).toEqual(['h1']),
  },
  {
    name: 'delegate_to localhost runs there for each host, results stay with the host',
    files: {
      'inv.yml': INV,
      'pb.yml': play("- name: delegated\n  command: echo {{ inventory_hostname }}\n  delegate_to: localhost\n  register: d\n- assert:\n    that: d.stdout == inventory_hostname\n", {
        hosts: 'web',
      }),
    },
    args: I,
    code: 0,
    recap: { h1: { ok: 2, changed: 1 }, h2: { ok: 2, changed: 1 }, h3: { ok: 2, changed: 1 } },
    then: (o) => expect(resultOf(o, 'delegated', 'h2')).toMatchObject({ delegated_to: 'localhost' }),
  },
];

describe('hosts, batches and failure policies', () => {
  it.each(cases)('$name', async (c) => {
    await runCase(c);
  });
});

/** host_result order of (task, host) for two tasks where h1 is slow on the first. */
async function resultOrder(strategy: 'linear' | 'free'): Promise<string[]> {
  let order: string[] = [];
  await runCase({
    name: strategy,
    files: {
      'inv.yml': INV,
      'pb.yml': play("- name: first\n  shell: \"if [ {{ inventory_hostname }} = h1 ]; then sleep 0.8; fi\"\n- name: second\n  debug: msg=x\n", {
        hosts: 'web',
        extra: `strategy: ${strategy}`,
      }),
    },
    args: I,
    code: 0,
    then: (o) => {
      order = results(o).map((r) => `${String(r.task)}:${String(r.host)}`);
    },
  });
  return order;
}

describe('strategies and forks', () => {
  it('linear: every host finishes a task before any host starts the next', async () => {
    const order = await resultOrder('linear');
    const lastFirst = Math.max(...['h1', 'h2', 'h3'].map((h) => order.indexOf(`first:${h}`)));
    const firstSecond = Math.min(...['h1', 'h2', 'h3'].map((h) => order.indexOf(`second:${h}`)));
    expect(lastFirst).toBeLessThan(firstSecond);
  });

  it('free: fast hosts go on while a slow one is still busy', async () => {
    const order = await resultOrder('free');
    expect(order.indexOf('second:h2')).toBeLessThan(order.indexOf('first:h1'));
    expect(order.indexOf('second:h3')).toBeLessThan(order.indexOf('first:h1'));
    expect(order.indexOf('first:h1')).toBeLessThan(order.indexOf('second:h1'));
  });

  it.each([
    { forks: '1', atLeast: 1200, below: Infinity },
    { forks: '3', atLeast: 0, below: 1100 },
  ])('forks $forks: three 0.4 s commands take at least $atLeast ms, under $below ms', async ({ forks, atLeast, below }) => {
    await runCase({
      name: forks,
      files: { 'inv.yml': INV, 'pb.yml': play('- name: sleep\n  command: sleep 0.4\n', { hosts: 'web' }) },
      args: [...I, '--forks', forks],
      code: 0,
      then: (o) => {
        const end = o.events.find((e) => e.event === 'task_end' && e.task === 'sleep');
        const ms = Number(end?.duration_ms);
        expect(ms).toBeGreaterThanOrEqual(atLeast);
        expect(ms).toBeLessThan(below);
      },
    });
  });
});
