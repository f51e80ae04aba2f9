/**
 * Secrets never print. A vault password file, `!vault` values in the
 * inventory (one of them the become password) and a whole-file vaulted vars
 * file are used every way a playbook can show a value: debug var= and msg=,
 * a copy under --diff, shell commands at -vvv, registered results, failing
 * tasks' messages and output, no_log, loop items, hostvars, --json and
 * --junit. At every verbosity 0..3, the clear text is nowhere in stdout,
 * stderr or the report files.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, cli, writeProject } from './cli-harness.js';

const VAULT_PASSWORD = 'vault-pw-5e6f0a-never-shown';
const INLINE = 'S3cr3t-inline-7f2a';
const FILE = 'S3cr3t-file-9c4d';
const BECOME = 'S3cr3t-become-1b8e';
/** a number in the whole-file vault: it stays a number for templates and conditions, and is masked by its text */
const PIN = '482913';
const CLEAR_TEXTS = [VAULT_PASSWORD, INLINE, FILE, BECOME, PIN];

const hasAnsibleVault = ((): boolean => {
  try {
    execFileSync('ansible-vault', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** ansible-vault when installed (the reference), else the project's own `tsplay vault`. */
function vault(dir: string, args: readonly string[]): string {
  const [cmd, pre] = hasAnsibleVault ? ['ansible-vault', []] : [process.execPath, [CLI, 'vault']];
  return execFileSync(cmd, [...pre, ...args, '--vault-password-file', 'pw.txt'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  vars_files:
    - secrets.yml
  tasks:
    - name: debug var inline
      debug: var=inline_secret
    - name: debug var file
      debug: var=file_secret
    - name: a vaulted number is still a number
      debug: var=file_pin
      when: file_pin > 1000
    - name: a vaulted number in a message
      debug:
        msg: "pin {{ file_pin }}"
    - name: debug msg
      debug:
        msg: "inline={{ inline_secret }} file={{ file_secret }}"
    - name: copy under diff
      copy:
        content: "{{ file_secret }}\\n{{ inline_secret }}\\n"
        dest: "{{ out_dir }}/copied.txt"
    - name: shell with the secret
      shell: "echo {{ inline_secret }} > /dev/null; echo {{ file_secret }}"
      register: echoed
    - name: registered result
      debug: var=echoed
    - name: registered stdout in a message
      debug:
        msg: "{{ echoed.stdout }}"
    - name: no_log task
      shell: "echo {{ inline_secret }}; echo {{ file_secret }} >&2; exit 3"
      no_log: true
      ignore_errors: true
    - name: failing command
      shell: "echo {{ inline_secret }} >&2; exit 1"
      ignore_errors: true
    - name: failing with a message
      fail:
        msg: "failed with {{ file_secret }}"
      ignore_errors: true
    - name: become password
      debug: var=tsplay_become_password
    - name: become as another user
      command: id
      become: true
      become_user: nobody
      ignore_errors: true
    - name: loop over secrets
      debug: msg=looped
      loop:
        - "{{ inline_secret }}"
        - "{{ file_secret }}"
    - name: all vars
      debug: var=hostvars
    - name: the end, failing
      shell: "echo {{ file_secret }}; echo {{ inline_secret }} >&2; exit 4"
`;

// no task refers to a secret variable: the secrets reach the output only through a command's output
const UNUSED = `
- hosts: all
  gather_facts: false
  vars_files:
    - secrets.yml
  tasks:
    - name: print a file that happens to hold them
      command: cat clear.txt
      register: shown
    - debug: var=shown.stdout_lines
`;

let dir: string;

beforeAll(() => {
  dir = writeProject({ 'pw.txt': `${VAULT_PASSWORD}\n`, 'secrets.yml': `file_secret: ${FILE}\nfile_pin: ${PIN}\n`, 'playbook.yml': PLAYBOOK, 'unused.yml': UNUSED, 'clear.txt': `${INLINE}\n${FILE}\n${BECOME}\n${PIN}\n` });
  vault(dir, ['encrypt', 'secrets.yml']);
  const inline = vault(dir, ['encrypt_string', INLINE, '--name', 'inline_secret']);
  const become = vault(dir, ['encrypt_string', BECOME, '--name', 'tsplay_become_password']);
  const indent = (s: string): string[] => s.trimEnd().split('\n').map((l) => `      ${l}`);
  writeFileSync(
    join(dir, 'inventory.yml'),
    ['all:', '  hosts:', '    localhost:', '      tsplay_connection: local', ...indent(inline), ...indent(become), ''].join('\n'),
  );
  expect(readFileSync(join(dir, 'secrets.yml'), 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
});

describe.each([0, 1, 2, 3])('verbosity %i', (verbosity) => {
  const v = verbosity ? [`-${'v'.repeat(verbosity)}`] : [];

  it.each([
    { output: 'human', flags: [] as string[] },
    { output: 'json', flags: ['--json'] },
  ])('$output output and the JUnit report show no secret', async ({ output, flags }) => {
    const outDir = join(dir, `out-${output}-${verbosity}`);
    mkdirSync(outDir);
    const junit = join(outDir, 'report.xml');
    const r = await cli(
      ['playbook.yml', '-i', 'inventory.yml', '--vault-password-file', 'pw.txt', '--diff', '-e', `out_dir=${outDir}`, '--junit', junit, ...flags, ...v],
      { cwd: dir },
    );
    const report = readFileSync(junit, 'utf8');
    // the run really used the secrets: the last task failed, and the copied file holds them in clear
    expect(r.code, r.stderr).toBe(2);
    expect(readFileSync(join(outDir, 'copied.txt'), 'utf8')).toBe(`${FILE}\n${INLINE}\n`);
    expect(r.stdout).toContain('********');
    expect(report).toContain('<failure');
    if (verbosity >= 3) expect(r.stdout).toContain('exec:');
    if (output === 'json') for (const line of r.stdout.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    for (const text of CLEAR_TEXTS) {
      expect(r.stdout).not.toContain(text);
      expect(r.stderr).not.toContain(text);
      expect(report).not.toContain(text);
    }
  });
});

it.each(['--list-tasks', '--list-hosts', '--syntax-check'])('%s with vaulted inputs shows no secret', async (flag) => {
  const r = await cli(['playbook.yml', '-i', 'inventory.yml', '--vault-password-file', 'pw.txt', flag], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  for (const text of CLEAR_TEXTS) expect(r.stdout + r.stderr).not.toContain(text);
});

it('vault values are masked from the start, even in the output of a command that never named them', async () => {
  const r = await cli(['unused.yml', '-i', 'inventory.yml', '--vault-password-file', 'pw.txt', '-v'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('********');
  for (const text of CLEAR_TEXTS) expect(r.stdout + r.stderr).not.toContain(text);
});

it('an error that ends the run, and the warnings before it, show no secret (here --limit names one)', async () => {
  const r = await cli(['unused.yml', '-i', 'inventory.yml', '--vault-password-file', 'pw.txt', '--limit', INLINE], { cwd: dir });
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toContain('[WARNING]: --limit: Could not match supplied host pattern, ignoring: ********\n');
  expect(r.stderr).toContain("ERROR! --limit '********' leaves no hosts to target [E_NO_HOSTS]");
  for (const text of CLEAR_TEXTS) expect(r.stdout + r.stderr).not.toContain(text);
});

it('a warning found while loading shows no secret in --json either', async () => {
  const r = await cli(['unused.yml', '-i', 'inventory.yml', '--vault-password-file', 'pw.txt', '--limit', `localhost:${INLINE}`, '--json'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  const warnings = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event === 'warning');
  expect(warnings.map((w) => w.message)).toEqual(['--limit: Could not match supplied host pattern, ignoring: ********']);
  for (const text of CLEAR_TEXTS) expect(r.stdout + r.stderr).not.toContain(text);
});
