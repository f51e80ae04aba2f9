/**
 * Ctrl-C over SSH: SIGINT during a long remote command ends the command on
 * the host (not only the channel: `sleep` ignores EOF, and sshd leaves it
 * running when the channel closes), the recap is printed and the exit code is 99.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAvailable, startSshHosts, type SshLabHost } from '../lab/index.js';
import { sshHome, sshHostLines, sshInventory, startCli, type SshHome } from './ssh-lab.js';

const ready = await labAvailable(['sshd']);

/** Processes on the host running `sleep 300` itself (not a wrapper naming it in its arguments). */
async function sleepers(h: SshLabHost): Promise<string[]> {
  const r = await h.exec('ps -eo pid=,args=');
  return r.stdout.split('\n').filter((l) => /^\s*\d+ sleep 300$/.test(l));
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!ready)('Ctrl-C over SSH', () => {
  let home: SshHome;
  let hosts: SshLabHost[] = [];

  beforeAll(async () => {
    home = await sshHome();
    hosts = await startSshHosts(2, { authorizedKeys: [home.key.publicKey], namePrefix: 'int' });
    await home.trust(hosts);
  });
  afterAll(async () => {
    await Promise.allSettled(hosts.map((h) => h.stop()));
    await home?.cleanup();
  });

  it('ends the remote commands on every host, prints the recap and exits 99', async () => {
    const inventory = join(home.dir, 'inventory.yml');
    await writeFile(inventory, sshInventory({ lab: hosts.flatMap((h) => sshHostLines(h, home)) }));
    const playbook = join(home.dir, 'sleep.yml');
    await writeFile(playbook, ['- hosts: lab', '  gather_facts: false', '  tasks:', '    - name: a long command', '      command: sleep 300', '    - name: never reached', '      command: touch /tmp/reached', ''].join('\n'));

    const run = startCli([playbook, '-i', inventory], home);
    await waitFor('sleep 300 on both hosts', async () => (await Promise.all(hosts.map(sleepers))).every((s) => s.length === 1));
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.out).toBe(99);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.out).toContain('PLAY RECAP');
    for (const h of hosts) {
      expect(await sleepers(h), h.name).toEqual([]);
      expect((await h.exec('test -e /tmp/reached')).exitCode, h.name).not.toBe(0);
    }
  });

  it('ends a command that ignores TERM too (KILL follows)', async () => {
    const h = hosts[0]!;
    const inventory = join(home.dir, 'one.yml');
    await writeFile(inventory, sshInventory({ lab: sshHostLines(h, home) }));
    const playbook = join(home.dir, 'stubborn.yml');
    await writeFile(playbook, ['- hosts: lab', '  gather_facts: false', '  tasks:', `    - shell: trap '' TERM; sleep 300; true`, ''].join('\n'));
    const run = startCli([playbook, '-i', inventory], home);
    await waitFor('sleep 300', async () => (await sleepers(h)).length === 1);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.out).toBe(99);
    await waitFor('the stubborn command to be killed', async () => (await sleepers(h)).length === 0, 10_000);
  });
});
