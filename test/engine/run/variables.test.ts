/**
 * Variables as a run sees them: the precedence layers (fixture
 * test/fixtures/run/precedence, also passing under ansible-playbook 2.14),
 * register and set_fact across plays, hostvars, magic variables, and
 * undefined variables at run time and before the run.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { play, runCase, type RunCase } from './cases.js';
import { debugMsg, localInventory, resultOf, results, tsplay } from './run-harness.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/run');

describe('variable precedence', () => {
  it('role defaults < group_vars < play vars < vars_files < role vars < block vars < task vars < set_fact < extra vars', async () => {
    const o = await tsplay(resolve(FIXTURES, 'precedence'), ['pb.yml', '-i', 'inventory.yml', '-e', 'v9=extra_vars']);
    expect(o.code, o.stderr).toBe(0);
    expect(resultOf(o, 'check every layer')).toMatchObject({ status: 'ok' });
  });

  it('the same fixture fails its assertion when extra vars are not given (set_fact wins then)', async () => {
    const o = await tsplay(resolve(FIXTURES, 'precedence'), ['pb.yml', '-i', 'inventory.yml']);
    expect(o.code).toBe(2);
    const r = resultOf(o, 'check every layer');
    expect(r).toMatchObject({ status: 'failed' });
    expect(JSON.stringify(r?.result)).toContain("v9 == 'extra_vars'");
  });
});

const cases: RunCase[] = [
  {
    name: 'register and set_fact last across plays; hostvars of another host; groups and group_names',
    files: {
      'inv.yml': localInventory(['h1', 'h2', 'h3'], 'web', { db: ['h3'] }),
      'pb.yml': `${play(
        `
- set_fact:
    fact_a: "{{ inventory_hostname }}-fact"
- name: reg
  command: echo {{ inventory_hostname }}
  register: said
`,
        { hosts: 'web' },
      )}${play(
        `
- name: earlier play values
  assert:
    that:
      - fact_a == inventory_hostname + '-fact'
      - said.stdout == inventory_hostname
      - hostvars['h2'].fact_a == 'h2-fact'
      - hostvars.h1.said.stdout == 'h1'
      - "'web' in group_names"
      - groups['web'] | length == 3
      - groups.db == ['h3']
- name: names
  debug:
    msg: "{{ inventory_hostname }} {{ join group_names ',' }}"
`,
        { hosts: 'web' },
      )}`,
    },
    args: ['pb.yml', '-i', 'inv.yml'],
    code: 0,
    recap: { h1: { ok: 4, changed: 1 }, h2: { ok: 4, changed: 1 }, h3: { ok: 4, changed: 1 } },
    then: (o) => {
      expect(debugMsg(o, 'names', 'h1')).toBe('h1 web');
      expect(debugMsg(o, 'names', 'h3')).toBe('h3 db,web');
    },
  },
  {
    name: 'an undefined variable fails that host at run time, naming the variable and file:line',
    files: {
      'inv.yml': localInventory(['h1', 'h2']),
      'host_vars/h1.yml': 'only_h1: here\n',
      'pb.yml': play('- name: uses it\n  debug:\n    msg: "{{ only_h1 }}"\n- name: after\n  debug: msg=after\n', { hosts: 'nodes' }),
    },
    args: ['pb.yml', '-i', 'inv.yml'],
    code: 2,
    recap: { h1: { ok: 2 }, h2: { failed: 1 } },
    then: (o) => {
      const r = resultOf(o, 'uses it', 'h2');
      expect(r?.status).toBe('failed');
      expect(String(r?.msg)).toMatch(/only_h1/);
      expect(String(r?.msg)).toMatch(/pb\.yml:\d+/);
      expect(results(o, 'after').map((x) => x.host)).toEqual(['h1']);
    },
  },
  {
    name: 'a variable defined nowhere is reported before the run: exit 4, nothing ran',
    files: {
      'pb.yml': play('- name: first\n  command: touch ran.txt\n- name: uses it\n  debug:\n    msg: "{{ nowhere_at_all }}"\n'),
    },
    code: 4,
    then: (o, dir) => {
      expect(existsSync(join(dir, 'ran.txt'))).toBe(false);
      expect(o.stderr).toMatch(/nowhere_at_all/);
      expect(o.stderr).toMatch(/pb\.yml:\d+/);
      expect(results(o)).toEqual([]);
    },
  },
  {
    name: 'guarded uses of an undefined variable are not reported',
    files: {
      'pb.yml': play(`
- name: defaulted
  debug:
    msg: '{{default nowhere_at_all "fallback"}}'
- name: tested
  debug: msg=never
  when: nowhere_at_all is defined
- name: filtered
  debug: msg=x
  when: nowhere_else | default(true)
`),
    },
    code: 0,
    recap: { localhost: { ok: 2, skipped: 1 } },
    then: (o) => expect(debugMsg(o, 'defaulted')).toBe('fallback'),
  },
  {
    name: 'magic variables: inventory_hostname, play hosts, check_mode off',
    files: {
      'inv.yml': localInventory(['h1', 'h2']),
      'pb.yml': play(
        `
- assert:
    that:
      - inventory_hostname in ['h1', 'h2']
      - ansible_play_hosts == ['h1', 'h2']
      - not check_mode
      - not ansible_check_mode
`,
        { hosts: 'nodes' },
      ),
    },
    args: ['pb.yml', '-i', 'inv.yml'],
    code: 0,
    recap: { h1: { ok: 1 }, h2: { ok: 1 } },
  },
];

describe('variables in a run', () => {
  it.each(cases)('$name', async (c) => {
    await runCase(c);
  });
});
