/**
 * Errors only the command line can make: bad flags and -e forms (exit 5),
 * inputs named on the command line that cannot be read or parsed (exit 4),
 * vault data without a password, undefined variables, a bad --limit. Each
 * prints one clear message without a stack trace and starts no play; in
 * process, no host is contacted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TsplayError } from '../../src/engine/errors.js';
import { cli, ROOT, runInProcess, runRequest, STACK_FRAME, writeProject } from './cli-harness.js';

const PLAYBOOK = ['- hosts: all', '  gather_facts: false', '  tasks:', '    - name: hi', '      command: echo hi', ''].join('\n');
const INVENTORY = ['all:', '  hosts:', '    localhost:', '      tsplay_connection: local', ''].join('\n');
// `secret_var: x`, encrypted by ansible-vault with the password 'pw'
const VAULTED = readFileSync(join(ROOT, 'test/fixtures/cli/vaulted-pw.yml'), 'utf8');

interface InputErrorCase {
  readonly name: string;
  /** files of the project (cwd); playbook.yml and inventory.yml are added unless given */
  readonly files?: Readonly<Record<string, string>>;
  /** arguments after `playbook.yml -i inventory.yml` (or instead, with `bare`) */
  readonly args: readonly string[];
  readonly bare?: boolean;
  readonly exitCode: number;
  readonly stderrIncludes: readonly string[];
}

const cases: readonly InputErrorCase[] = [
  { name: "-e 'a'", args: ['-e', 'a'], exitCode: 5, stderrIncludes: ["-e: 'a' is not key=value, @file or a JSON/YAML mapping"] },
  { name: "-e '{bad json'", args: ['-e', '{bad json'], exitCode: 5, stderrIncludes: ['-e: invalid JSON/YAML'] },
  { name: '-e @missing.yml', args: ['-e', '@missing.yml'], exitCode: 5, stderrIncludes: ['-e @missing.yml', 'cannot read missing.yml'] },
  { name: "-e '[1,2]'", args: ['-e', '[1,2]'], exitCode: 5, stderrIncludes: ["'[1,2]' is not key=value"] },
  { name: "-e ''", args: ['-e', ''], exitCode: 5, stderrIncludes: ['-e was given an empty value'] },
  { name: '-e with a bad variable name', args: ['-e', '1bad=x'], exitCode: 5, stderrIncludes: ["'1bad' is not a valid variable name"] },
  { name: '-e @file holding a list', files: { 'list.yml': '- 1\n- 2\n' }, args: ['-e', '@list.yml'], exitCode: 5, stderrIncludes: ['-e @list.yml: the file must hold a mapping'] },
  { name: '-e @file with bad YAML', files: { 'bad.yml': 'a: [1\n' }, args: ['-e', '@bad.yml'], exitCode: 4, stderrIncludes: ['bad.yml:'] },
  { name: 'an unknown flag', args: ['--chek'], exitCode: 5, stderrIncludes: ["unknown option '--chek'", 'Did you mean --check?'] },
  { name: 'an unknown long flag', args: ['--vault-pasword-file', 'x'], exitCode: 5, stderrIncludes: ["unknown option '--vault-pasword-file'", 'Did you mean --vault-password-file?'] },
  { name: '--forks 0', args: ['--forks', '0'], exitCode: 5, stderrIncludes: ["--forks takes a whole number of at least 1, got '0'"] },
  { name: 'no playbook', bare: true, args: [], exitCode: 5, stderrIncludes: ["missing required argument 'playbook'"] },
  { name: 'a mistyped subcommand', bare: true, args: ['inventroy', '--list'], exitCode: 5, stderrIncludes: ["unknown command 'inventroy'; did you mean 'tsplay inventory'?"] },
  { name: 'a playbook that does not exist', bare: true, args: ['nothere.yml', '-i', 'inventory.yml'], exitCode: 4, stderrIncludes: ['nothere.yml', 'ENOENT'] },
  { name: "--limit 'web:&'", args: ['--limit', 'web:&'], exitCode: 5, stderrIncludes: ["--limit 'web:&'", "'&' needs a name after it"] },
  { name: "--limit 'web[1'", args: ['--limit', 'web[1'], exitCode: 5, stderrIncludes: ["--limit 'web[1'", "unbalanced '['"] },
  {
    name: '--limit matching no host',
    args: ['--limit', 'nosuchhost'],
    exitCode: 1,
    stderrIncludes: ['Could not match supplied host pattern, ignoring: nosuchhost', "--limit 'nosuchhost' leaves no hosts to target"],
  },
  { name: '--junit into a missing directory', args: ['--junit', 'no/such/dir/report.xml'], exitCode: 5, stderrIncludes: ['--junit no/such/dir/report.xml', 'does not exist'] },
  {
    name: 'an inventory that fails to parse',
    files: { 'inventory.yml': 'all:\n  hosts:\n    a: [1\n' },
    args: [],
    exitCode: 4,
    stderrIncludes: ['inventory.yml:'],
  },
  {
    name: 'an inventory with an unknown group key',
    files: { 'inventory.yml': 'all:\n  hots:\n    a:\n' },
    args: [],
    exitCode: 4,
    stderrIncludes: ['inventory.yml:2:3', "unknown key 'hots'"],
  },
  { name: 'an inventory that does not exist', bare: true, args: ['playbook.yml', '-i', 'nope.yml'], exitCode: 4, stderrIncludes: ['inventory source not found', 'nope.yml'] },
  {
    name: 'a variable defined nowhere',
    files: { 'playbook.yml': ['- hosts: all', '  gather_facts: false', '  tasks:', '    - name: greet', '      debug:', '        msg: "hello {{ nowhere_defined }}"', ''].join('\n') },
    args: [],
    exitCode: 4,
    stderrIncludes: ["undefined variable 'nowhere_defined'", 'playbook.yml:4:7'],
  },
  {
    name: 'a variable defined nowhere, in a condition',
    files: { 'playbook.yml': ['- hosts: all', '  gather_facts: false', '  tasks:', '    - name: maybe', '      command: echo hi', '      when: not_defined_anywhere == 1', ''].join('\n') },
    args: [],
    exitCode: 4,
    stderrIncludes: ["'not_defined_anywhere'", 'playbook.yml:4:7'],
  },
  { name: 'a vault password file that does not exist', args: ['--vault-password-file', 'nope.txt'], exitCode: 1, stderrIncludes: ['nope.txt', 'not found'] },
  {
    name: '-e @vaulted file without a password',
    files: { 'vaulted.yml': VAULTED },
    args: ['-e', '@vaulted.yml'],
    exitCode: 1,
    stderrIncludes: ['vaulted.yml: this file is vault-encrypted but no vault password was given', '--vault-password-file'],
  },
  {
    name: 'a vaulted group_vars file without a password',
    files: { 'group_vars/all.yml': VAULTED },
    args: [],
    exitCode: 1,
    stderrIncludes: ['group_vars/all.yml: this file is vault-encrypted but no vault password was given'],
  },
  {
    name: 'a vaulted vars_files file without a password (before any host is contacted)',
    files: { 'vaulted.yml': VAULTED, 'playbook.yml': ['- hosts: all', '  gather_facts: false', '  vars_files: [vaulted.yml]', '  tasks:', '    - debug: { msg: hi }', ''].join('\n') },
    args: [],
    exitCode: 1,
    stderrIncludes: ['vaulted.yml: this file is vault-encrypted but no vault password was given'],
  },
  {
    name: 'a vaulted file with the wrong password',
    files: { 'vaulted.yml': VAULTED, 'pw.txt': 'wrong\n' },
    args: ['-e', '@vaulted.yml', '--vault-password-file', 'pw.txt'],
    exitCode: 1,
    stderrIncludes: ['vaulted.yml'],
  },
];

function project(c: InputErrorCase): string {
  return writeProject({ 'playbook.yml': PLAYBOOK, 'inventory.yml': INVENTORY, ...c.files });
}

describe('command-line input errors', () => {
  it.concurrent.each(cases)('$name → exit $exitCode', async (c) => {
    const dir = project(c);
    const r = await cli(c.bare ? c.args : ['playbook.yml', '-i', 'inventory.yml', ...c.args], { cwd: dir });
    expect(r.code, r.stderr).toBe(c.exitCode);
    for (const part of c.stderrIncludes) expect(r.stderr).toContain(part);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stdout).not.toContain('PLAY');
  });

  // the cases that reach runPlaybooks (flags commander rejects never get there)
  const engineCases = cases.filter((c) => !c.bare && !c.args.some((a) => a.startsWith('--') && !['--limit', '--junit', '--vault-password-file'].includes(a)));
  it.each(engineCases)('$name: in process, no host is contacted', async (c) => {
    const dir = project(c);
    const flags = new Map<string, string[]>();
    for (let i = 0; i < c.args.length; i += 2) flags.set(c.args[i] as string, [...(flags.get(c.args[i] as string) ?? []), c.args[i + 1] as string]);
    const limit = flags.get('--limit')?.[0];
    const junit = flags.get('--junit')?.[0];
    const r = await runInProcess(
      runRequest({
        playbooks: ['playbook.yml'],
        inventories: ['inventory.yml'],
        extraVars: flags.get('-e') ?? [],
        vaultPasswordFiles: flags.get('--vault-password-file') ?? [],
        ...(limit !== undefined ? { limit } : {}),
        ...(junit !== undefined ? { junit } : {}),
      }),
      dir,
    );
    expect(TsplayError.isInstance(r.error), String(r.error)).toBe(true);
    expect((r.error as TsplayError).exitCode).toBe(c.exitCode);
    expect(r.opened).toEqual([]);
  });
});
