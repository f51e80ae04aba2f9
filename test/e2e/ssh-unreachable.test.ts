/**
 * Unreachable hosts among reachable ones, through the CLI over SSH: a closed
 * port, a wrong key, and a host stopped in the middle of the run. The others
 * go on to the end, the recap marks the three unreachable, and the exit code
 * is 3 (2 when another host failed as well). A connection dropped between two
 * tasks is reopened once and the run goes on.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSshKey, labAvailable, startSshHosts, type SshLabHost } from '../lab/index.js';
import { closedPort, sshHome, sshHostLines, sshInventory, startCli, tsplay, type SshHome } from './ssh-lab.js';

const ready = await labAvailable(['sshd']);

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const PLAYBOOK = [
  '- hosts: lab',
  '  gather_facts: false',
  '  tasks:',
  '    - name: first',
  '      command: touch /tmp/t1',
  '    - name: a while (a host is stopped now)',
  '      command: sleep 3',
  '    - name: fails on ok2 when asked to',
  '      fail: { msg: asked to }',
  '      when: inventory_hostname == "ok2" and (fail_ok2 | default(false))',
  '    - name: last',
  '      command: touch /tmp/t3',
  '',
].join('\n');

describe.skipIf(!ready)('unreachable SSH hosts among reachable ones', () => {
  let home: SshHome;
  let hosts: SshLabHost[] = [];
  let playbook: string;

  beforeAll(async () => {
    home = await sshHome();
    hosts = await startSshHosts(5, { authorizedKeys: [home.key.publicKey], namePrefix: 'un' });
    await home.trust(hosts);
    playbook = join(home.dir, 'play.yml');
    await writeFile(playbook, PLAYBOOK);
  });
  afterAll(async () => {
    await Promise.allSettled(hosts.map((h) => h.stop()));
    await home?.cleanup();
  });

  async function inventoryFor(ok: SshLabHost[], stopped: SshLabHost): Promise<string> {
    const otherKey = await createSshKey({ dir: home.dir });
    const file = join(home.dir, `inv-${stopped.name}.yml`);
    await writeFile(
      file,
      sshInventory({
        lab: [
          ...sshHostLines({ name: 'ok1', port: ok[0]!.port }, home),
          ...sshHostLines({ name: 'ok2', port: ok[1]!.port }, home),
          ...sshHostLines({ name: 'closed', port: await closedPort() }, home),
          ...sshHostLines({ name: 'wrongkey', port: ok[0]!.port }, home, { tsplay_ssh_private_key_file: otherKey.privateKeyFile }),
          ...sshHostLines({ name: 'stopped', port: stopped.port }, home),
        ],
      }),
    );
    return file;
  }

  async function runStoppingMidway(stopped: SshLabHost, inventory: string, extra: string[] = []): Promise<Awaited<ReturnType<typeof tsplay>>> {
    const run = startCli([playbook, '-i', inventory, ...extra], home);
    await waitFor('the first task on the host to stop', async () => (await stopped.exec('test -e /tmp/t1')).exitCode === 0);
    await stopped.stop();
    return run.done;
  }

  it('the others go on; the recap marks closed port, wrong key and stopped host unreachable; exit 3', async () => {
    const [a, b, stopped] = hosts as [SshLabHost, SshLabHost, SshLabHost];
    const r = await runStoppingMidway(stopped, await inventoryFor([a, b], stopped));
    expect(r.code, r.out).toBe(3);
    for (const h of ['closed', 'wrongkey', 'stopped']) expect(r.recap[h]?.unreachable, `${h}\n${r.out}`).toBe(1);
    expect(r.recap.closed).toMatchObject({ ok: 0, failed: 0 });
    expect(r.recap.stopped).toMatchObject({ ok: 1, changed: 1, failed: 0 });
    for (const h of ['ok1', 'ok2']) expect(r.recap[h], `${h}\n${r.out}`).toMatchObject({ ok: 3, changed: 3, unreachable: 0, failed: 0, skipped: 1 });
    for (const h of [a, b]) expect((await h.exec('test -e /tmp/t3')).exitCode).toBe(0);
    expect(r.out).toMatch(/closed.*connection refused/);
    expect(r.out).toMatch(/wrongkey.*authentication failed/);
  });

  it('exits 2 when another host failed too', async () => {
    const [a, b, , stopped] = hosts as [SshLabHost, SshLabHost, SshLabHost, SshLabHost];
    await Promise.all([a, b].map((h) => h.exec('rm -f /tmp/t1 /tmp/t3')));
    const r = await runStoppingMidway(stopped, await inventoryFor([a, b], stopped), ['-e', '{"fail_ok2": true}']);
    expect(r.code, r.out).toBe(2);
    expect(r.recap.ok2).toMatchObject({ failed: 1, unreachable: 0 });
    expect(r.recap.ok1).toMatchObject({ ok: 3, failed: 0 });
    for (const h of ['closed', 'wrongkey', 'stopped']) expect(r.recap[h]?.unreachable, `${h}\n${r.out}`).toBe(1);
  });

  it('a connection dropped between two tasks is reopened once, and the run goes on', async () => {
    const h = hosts[4]!;
    const inventory = join(home.dir, 'drop.yml');
    await writeFile(inventory, sshInventory({ lab: sshHostLines(h, home) }, { localhost: true }));
    const pb = join(home.dir, 'drop-play.yml');
    await writeFile(
      pb,
      [
        '- hosts: lab',
        '  gather_facts: false',
        '  tasks:',
        '    - command: touch /tmp/before',
        '    - name: on the control machine, while the connection is cut',
        '      command: sleep 2',
        '      delegate_to: localhost',
        '    - command: touch /tmp/after',
        '',
      ].join('\n'),
    );
    const run = startCli([pb, '-i', inventory], home);
    await waitFor('the first task', async () => (await h.exec('test -e /tmp/before')).exitCode === 0);
    await waitFor('the session', async () => (await h.exec('pgrep -f "sshd: root@[n]otty" >/dev/null')).exitCode === 0);
    // the per-connection sshd processes: the TCP connection under tsplay's ssh2 client goes with them
    const kill = await h.exec('pkill -f "sshd: root@[n]otty"');
    expect(kill.exitCode, kill.stderr).toBe(0);
    const r = await run.done;
    expect(r.code, r.out).toBe(0);
    expect(r.recap[h.name]).toMatchObject({ ok: 3, changed: 3, unreachable: 0, failed: 0 });
    expect((await h.exec('test -e /tmp/after')).exitCode).toBe(0);
  });
});
