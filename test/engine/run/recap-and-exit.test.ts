/**
 * Recap counts and exit codes. The recap rows were checked against
 * ansible-playbook 2.14 on the same (template-free) playbooks.
 */
import { describe, it, expect } from 'vitest';
import { play, runCase, type RunCase } from './cases.js';
import { resultOf, results } from './run-harness.js';

const cases: RunCase[] = [
  {
    name: 'ok, changed, skipped, ignored, rescued and a final failure',
    files: {
      'pb.yml': play(`
- name: ok task
  debug: msg=hello
- name: changed task
  command: echo x
- name: skipped task
  debug: msg=no
  when: false
- name: ignored
  fail: msg=boom
  ignore_errors: true
- block:
    - name: fails
      fail: msg=inblock
  rescue:
    - name: rescue ok
      debug: msg=rescued
  always:
    - name: always ok
      debug: msg=always
- name: final
  fail: msg=end
`),
    },
    code: 2,
    recap: { localhost: { ok: 5, changed: 1, failed: 1, skipped: 1, rescued: 1, ignored: 1 } },
  },
  {
    name: 'an ignored failure counts as ok and ignored, and the play goes on',
    files: {
      'pb.yml': play(`
- name: ignored
  fail: msg=boom
  ignore_errors: true
- name: goes on
  debug: msg=on
`),
    },
    code: 0,
    recap: { localhost: { ok: 2, ignored: 1 } },
    then: (o) => {
      expect(resultOf(o, 'ignored')).toMatchObject({ status: 'failed', ignored: true });
      expect(resultOf(o, 'goes on')).toMatchObject({ status: 'ok' });
    },
  },
  {
    name: 'an ignored failure that changed something counts as changed too',
    files: {
      'pb.yml': play(`
- name: fails after changing
  command: echo boom
  register: f
  failed_when: "'boom' in f.stdout"
  ignore_errors: true
`),
    },
    code: 0,
    recap: { localhost: { ok: 1, changed: 1, ignored: 1 } },
  },
  {
    name: 'everything fine exits 0',
    files: { 'pb.yml': play('- debug: msg=fine\n') },
    code: 0,
    recap: { localhost: { ok: 1 } },
  },
  {
    name: 'a failed host exits 2 and its later tasks do not run',
    files: { 'pb.yml': play('- name: boom\n  fail: msg=x\n- name: later\n  debug: msg=never\n') },
    code: 2,
    recap: { localhost: { failed: 1 } },
    then: (o) => expect(results(o, 'later')).toEqual([]),
  },
  {
    name: 'an invalid playbook exits 4 and runs nothing',
    files: { 'pb.yml': play('- name: bad\n  debug: { msg: x, bogus: 1 }\n') },
    code: 4,
    then: (o) => {
      expect(o.stderr).toMatch(/pb\.yml:\d+:\d+.*bogus/);
      expect(o.events).toEqual([]);
    },
  },
  {
    name: 'an unknown module exits 4',
    files: { 'pb.yml': play('- name: bad\n  no_such_module: {}\n') },
    code: 4,
  },
  {
    name: 'bad options exit 5',
    files: { 'pb.yml': play('- debug: msg=x\n') },
    args: ['pb.yml', '--forks', '0'],
    code: 5,
  },
  {
    name: 'an unknown flag exits 5',
    files: { 'pb.yml': play('- debug: msg=x\n') },
    args: ['pb.yml', '--no-such-flag'],
    code: 5,
  },
];

describe('recap and exit codes', () => {
  it.each(cases)('$name', async (c) => {
    await runCase(c);
  });
});
