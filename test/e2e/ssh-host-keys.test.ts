/**
 * `--accept-new-host-keys` through the CLI against an SSH lab host whose key
 * is not in the (empty) known_hosts file: refused without the flag (exit 3,
 * the message names the fingerprint), accepted and recorded with it, then
 * accepted without it. A host that sets `tsplay_ssh_accept_new_host_keys: false`
 * stays strict even with the flag.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAvailable, startSshHosts, type SshLabHost } from '../lab/index.js';
import { sshHome, sshHostLines, sshInventory, tsplay, type SshHome } from './ssh-lab.js';

const ready = await labAvailable(['sshd']);

function fingerprint(hostKey: string): string {
  const blob = Buffer.from(hostKey.split(' ')[1]!, 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

describe.skipIf(!ready)('CLI --accept-new-host-keys', () => {
  let home: SshHome;
  let hosts: SshLabHost[] = [];
  let playbook: string;

  beforeAll(async () => {
    home = await sshHome();
    hosts = await startSshHosts(2, { authorizedKeys: [home.key.publicKey], namePrefix: 'hk' });
    playbook = join(home.dir, 'ping.yml');
    await writeFile(playbook, '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: hostname\n');
  });
  afterAll(async () => {
    await Promise.allSettled(hosts.map((h) => h.stop()));
    await home?.cleanup();
  });

  it('refuses an unknown key, accepts and records it with the flag, then accepts it without', async () => {
    const h = hosts[0]!;
    const inventory = join(home.dir, 'one.yml');
    await writeFile(inventory, sshInventory({ lab: sshHostLines(h, home) }));
    expect(await readFile(home.knownHosts, 'utf8')).toBe('');

    const refused = await tsplay([playbook, '-i', inventory], home);
    expect(refused.code, refused.out).toBe(3);
    expect(refused.out).toContain(fingerprint(h.hostKey));
    expect(refused.out).toContain('--accept-new-host-keys');
    expect(refused.recap[h.name]?.unreachable).toBe(1);
    expect(await readFile(home.knownHosts, 'utf8')).toBe('');

    const accepted = await tsplay([playbook, '-i', inventory, '--accept-new-host-keys'], home);
    expect(accepted.code, accepted.out).toBe(0);
    expect(accepted.recap[h.name]).toMatchObject({ changed: 1, unreachable: 0 });
    expect(await readFile(home.knownHosts, 'utf8')).toBe(`[127.0.0.1]:${h.port} ${h.hostKey}\n`);

    const again = await tsplay([playbook, '-i', inventory], home);
    expect(again.code, again.out).toBe(0);
    expect(await readFile(home.knownHosts, 'utf8')).toBe(`[127.0.0.1]:${h.port} ${h.hostKey}\n`);
  });

  it('does not override a host that sets tsplay_ssh_accept_new_host_keys: false', async () => {
    const h = hosts[1]!;
    const inventory = join(home.dir, 'strict.yml');
    const knownHosts = join(home.dir, 'strict_known_hosts');
    await writeFile(knownHosts, '');
    await writeFile(inventory, sshInventory({ lab: sshHostLines(h, home, { tsplay_ssh_accept_new_host_keys: false, tsplay_ssh_known_hosts_file: knownHosts }) }));
    const r = await tsplay([playbook, '-i', inventory, '--accept-new-host-keys'], home);
    expect(r.code, r.out).toBe(3);
    expect(r.out).toContain(fingerprint(h.hostKey));
    expect(await readFile(knownHosts, 'utf8')).toBe('');
  });
});
