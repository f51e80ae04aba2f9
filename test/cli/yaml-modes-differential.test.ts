/**
 * File modes written the way Ansible playbooks write them, run by tsplay (the
 * CLI) and by Debian's ansible-playbook on the control machine, each into its
 * own temporary directory: every resulting path must have the same mode.
 * Unquoted `0644`, `0600`, `0755`, `0440` (YAML 1.1 octal, so numbers) on
 * file, copy, template, lineinfile and blockinfile, plus the other forms whose
 * meaning hangs on YAML typing: `"{{ m }}"` of an int variable, a quoted
 * "420" (octal, so 0420), `0o644` (a string in YAML 1.1), symbolic, and an
 * int from an inline `-e '{m_extra: 0750}'` (YAML 1.1 there too).
 *
 * tsplay is always checked against the expected modes; the comparison with
 * Ansible is skipped when ansible-playbook is not installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playbookCli, tempDir } from './cli-harness.js';

const ANSIBLE = '/usr/bin/ansible-playbook';
const hasAnsible = existsSync(ANSIBLE);

/** One task per row; `M` in `args` is where the mode goes, written as is. */
interface Row {
  readonly name: string;
  readonly module: string;
  readonly args: string;
  readonly mode: string;
  /** the mode the path must end with */
  readonly want: string;
}

const MODULES: readonly { module: string; args: string }[] = [
  { module: 'file', args: 'path: "{{ out }}/NAME", state: touch, modification_time: preserve, access_time: preserve' },
  { module: 'file', args: 'path: "{{ out }}/NAME", state: directory' },
  { module: 'copy', args: 'dest: "{{ out }}/NAME", content: "hello\\n"' },
  { module: 'template', args: 'src: plain.txt, dest: "{{ out }}/NAME"' },
  { module: 'lineinfile', args: 'path: "{{ out }}/NAME", line: "a=1", create: true' },
  { module: 'blockinfile', args: 'path: "{{ out }}/NAME", block: "a=1", create: true' },
];

const unquoted: Row[] = MODULES.flatMap(({ module, args }, i) =>
  ['0644', '0600', '0755', '0440'].map((mode) => ({ name: `${module}${i}-${mode}`, module, args, mode, want: mode })),
);

const otherForms: Row[] = [
  { name: 'templated-int', module: 'copy', args: MODULES[2]!.args, mode: '"{{ m_int }}"', want: '0644' },
  { name: 'templated-extra-var', module: 'file', args: MODULES[1]!.args, mode: '"{{ m_extra }}"', want: '0750' },
  { name: 'templated-string', module: 'copy', args: MODULES[2]!.args, mode: '"{{ m_str }}"', want: '0600' },
  { name: 'quoted-420', module: 'copy', args: MODULES[2]!.args, mode: '"420"', want: '0420' },
  { name: 'decimal-420', module: 'copy', args: MODULES[2]!.args, mode: '420', want: '0644' },
  { name: 'quoted-0644', module: 'file', args: MODULES[0]!.args, mode: "'0644'", want: '0644' },
  { name: 'o-prefix', module: 'file', args: MODULES[0]!.args, mode: '0o640', want: '0640' },
  { name: 'symbolic', module: 'template', args: MODULES[3]!.args, mode: '"u=rw,g=r,o="', want: '0640' },
];

const rows = [...unquoted, ...otherForms];

const playbook = [
  '- hosts: localhost',
  '  gather_facts: false',
  '  vars:',
  '    m_int: 0644',
  '    m_str: "0600"',
  '  tasks:',
  ...rows.map((r) => `    - { name: ${r.name}, ${r.module}: { ${r.args.replace('NAME', r.name)}, mode: ${r.mode} } }`),
  '',
].join('\n');

/** the -e options both get */
const extraVars = (out: string): string[] => ['-e', `out=${out}`, '-e', '{m_extra: 0750}'];

/** path (relative to `dir`) → 4-digit octal mode */
function modes(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, (statSync(join(dir, name)).mode & 0o7777).toString(8).padStart(4, '0')]));
}

const expected = Object.fromEntries(rows.map((r) => [r.name, r.want]));

let project: string;
let tsplayOut: string;
let ansibleOut: string;

beforeAll(() => {
  project = tempDir('tsplay-modes-');
  mkdirSync(join(project, 'templates'));
  writeFileSync(join(project, 'templates', 'plain.txt'), 'no expressions here\n');
  writeFileSync(join(project, 'modes.yml'), playbook);
  writeFileSync(join(project, 'inventory.yml'), 'all:\n  hosts:\n    localhost:\n      tsplay_connection: local\n');
  tsplayOut = join(project, 'out-tsplay');
  ansibleOut = join(project, 'out-ansible');
  mkdirSync(tsplayOut);
  mkdirSync(ansibleOut);
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('unquoted and other YAML modes through the CLI', () => {
  it('tsplay gives each path the mode Ansible would', async () => {
    const r = await playbookCli(['modes.yml', '-i', 'inventory.yml', ...extraVars(tsplayOut)], { cwd: project });
    expect(r.code, r.out).toBe(0);
    expect(r.recap.localhost).toMatchObject({ changed: rows.length, failed: 0 });
    expect(modes(tsplayOut)).toEqual(expected);
  });

  it.skipIf(!hasAnsible)('ansible-playbook gives the same modes', { timeout: 180_000 }, () => {
    const r = spawnSync(ANSIBLE, ['-i', 'localhost,', '-c', 'local', 'modes.yml', ...extraVars(ansibleOut)], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_DEPRECATION_WARNINGS: 'false' },
      timeout: 170_000,
    });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(modes(ansibleOut)).toEqual(expected);
    expect(modes(ansibleOut)).toEqual(modes(tsplayOut));
  });
});
