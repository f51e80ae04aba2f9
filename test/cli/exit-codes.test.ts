/**
 * Exit statuses of real runs through bin/tsplay.js, as ansible-playbook's:
 * 0 all well, 2 a host failed, 3 a host unreachable (a docker container that
 * does not exist, an unknown connection type), 99 interrupted by SIGINT (the
 * recap is printed and the running command is ended).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cli, startCli, writeProject } from './cli-harness.js';

const play = (...tasks: string[]): string => ['- hosts: all', '  gather_facts: false', '  tasks:', ...tasks, ''].join('\n');
const LOCAL = ['all:', '  hosts:', '    localhost:', '      tsplay_connection: local', ''].join('\n');

interface ExitCase {
  readonly name: string;
  readonly inventory: string;
  readonly playbook: string;
  readonly exitCode: number;
  /** text the output must hold (stdout and stderr together) */
  readonly output: readonly string[];
}

const cases: readonly ExitCase[] = [
  {
    name: 'every task ok',
    inventory: LOCAL,
    playbook: play('    - name: say hi', '      command: echo hi'),
    exitCode: 0,
    output: ['changed: [localhost]', 'localhost : ok=1 changed=1 unreachable=0 failed=0'],
  },
  {
    name: 'a failure that is ignored',
    inventory: LOCAL,
    playbook: play('    - name: fails', '      command: /bin/false', '      ignore_errors: true'),
    exitCode: 0,
    output: ['...ignoring', 'ignored=1'],
  },
  {
    name: 'a failure that is rescued',
    inventory: LOCAL,
    playbook: play('    - block:', '        - command: /bin/false', '      rescue:', '        - debug: msg=rescued'),
    exitCode: 0,
    output: ['rescued=1'],
  },
  {
    name: 'a host failed',
    inventory: LOCAL,
    playbook: play('    - name: fails', '      command: /bin/false', '    - name: never runs', '      command: echo no'),
    exitCode: 2,
    output: ['fatal: [localhost]: FAILED!', 'localhost : ok=0 changed=0 unreachable=0 failed=1'],
  },
  {
    name: 'a fail task',
    inventory: LOCAL,
    playbook: play('    - fail: msg="stop here"'),
    exitCode: 2,
    output: ['stop here', 'failed=1'],
  },
  {
    name: 'a docker container that does not exist',
    inventory: ['all:', '  hosts:', '    ghost:', '      tsplay_connection: docker', '      tsplay_host: tsplay-test-no-such-container', ''].join('\n'),
    playbook: play('    - command: echo hi'),
    exitCode: 3,
    output: ['fatal: [ghost]: UNREACHABLE!', 'ghost : ok=0 changed=0 unreachable=1 failed=0'],
  },
  {
    name: 'an unknown connection type',
    inventory: ['all:', '  hosts:', '    odd:', '      tsplay_connection: telepathy', ''].join('\n'),
    playbook: play('    - command: echo hi'),
    exitCode: 3,
    output: ["unknown connection type 'telepathy'", 'unreachable=1'],
  },
  {
    name: 'one host failed and another unreachable: failed wins',
    inventory: ['all:', '  hosts:', '    localhost:', '      tsplay_connection: local', '    odd:', '      tsplay_connection: telepathy', ''].join('\n'),
    playbook: play('    - command: /bin/false'),
    exitCode: 2,
    output: ['localhost : ok=0 changed=0 unreachable=0 failed=1', 'odd : ok=0 changed=0 unreachable=1 failed=0'],
  },
];

describe('exit codes of real runs', () => {
  it.concurrent.each(cases)('$name → $exitCode', async (c) => {
    const dir = writeProject({ 'playbook.yml': c.playbook, 'inventory.yml': c.inventory });
    const r = await cli(['playbook.yml', '-i', 'inventory.yml'], { cwd: dir });
    const out = (r.stdout + r.stderr).replace(/ +:/g, ' :'); // recap names are padded to one width
    expect(r.code, out).toBe(c.exitCode);
    for (const part of c.output) expect(out).toContain(part);
    expect(out).toContain('PLAY RECAP');
  });
});

describe('SIGINT', () => {
  const marker = `tsplay-sigint-${process.pid}-${Date.now()}`;
  const running = (): boolean => {
    try {
      return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim() !== '';
    } catch {
      return false; // pgrep exits 1 when nothing matches
    }
  };

  it('prints the recap, ends the running command and exits 99 within seconds', async () => {
    const dir = writeProject({
      'inventory.yml': LOCAL,
      // the marker makes the command findable; `sleep 30` is what must be ended
      'playbook.yml': play('    - name: wait a long time', `      shell: "sleep 30; echo ${marker}"`, '    - name: never starts', '      command: echo later'),
    });
    const run = startCli(['playbook.yml', '-i', 'inventory.yml'], { cwd: dir, timeoutMs: 40_000 });
    // wait until the task has started
    const t0 = Date.now();
    while (!run.stdout().includes('TASK [wait a long time]') || !running()) {
      if (Date.now() - t0 > 20_000) throw new Error(`the task never started:\n${run.stdout()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const sent = Date.now();
    run.child.kill('SIGINT');
    const r = await run.done;
    const elapsed = Date.now() - sent;
    expect(r.code, r.stdout + r.stderr).toBe(99);
    expect(elapsed).toBeLessThan(5_000);
    expect(r.stdout).toContain('PLAY RECAP');
    expect(r.stdout).not.toContain('TASK [never starts]');
    expect(r.stderr).toContain('interrupted by the user');
    expect(running()).toBe(false);
  });

  it('exits 99 when interrupted while loading, before any play (here: waiting for a vault password)', async () => {
    const dir = writeProject({ 'inventory.yml': LOCAL, 'playbook.yml': play('    - command: echo hi') });
    const run = startCli(['playbook.yml', '-i', 'inventory.yml', '--ask-vault-pass'], { cwd: dir, openStdin: true });
    const t0 = Date.now();
    while (!run.stderr().includes('Vault password')) {
      if (Date.now() - t0 > 20_000) throw new Error('no password prompt');
      await new Promise((r) => setTimeout(r, 50));
    }
    const sent = Date.now();
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(99);
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(r.stderr).toContain('interrupted');
    expect(r.stdout).not.toContain('PLAY [');
  });
});
