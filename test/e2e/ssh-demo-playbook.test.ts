/**
 * playbooks/demo.yml over SSH: like test/e2e/demo-playbook.test.ts, but the
 * three systemd lab hosts of the `lab` group are reached with
 * `tsplay_connection: ssh` (sshd inside the systemd image, port published on
 * 127.0.0.1, a generated key, host keys verified against a known_hosts file),
 * plus localhost:
 *  - --check on fresh hosts changes nothing (checksums of every file under
 *    /etc, /tmp, /root, /usr/local and /var/lib/dpkg, and the unit state, on
 *    every host; the local demo directory) and predicts each host's changed count;
 *  - the first run changes exactly that much; the second changes nothing;
 *  - --diff shows the changes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAvailable, type SshLabHost } from '../lab/index.js';
import { snapshotTree } from '../helpers/module-harness.js';
import { sshHome, sshHostLines, sshInventory, startSystemdSshHosts, tsplay, type SshHome } from './ssh-lab.js';

const ready = await labAvailable(['systemd']);

/** Every file where the demo could write, with its checksum, mode and owner; and the demo unit's state. */
async function fingerprint(h: SshLabHost): Promise<string> {
  const r = await h.exec(
    "find /etc /tmp /root /usr/local /var/lib/dpkg -xdev \\( -type f -o -type l \\) -printf '%p %m %u:%g ' -exec sh -c 'md5sum < \"$1\" 2>/dev/null || echo link' _ {} \\; | sort; systemctl is-active tsplay-demo; systemctl is-enabled tsplay-demo 2>&1; true",
  );
  return r.stdout;
}

describe.skipIf(!ready)('playbooks/demo.yml over SSH', () => {
  let dir: string;
  let home: SshHome;
  let lab: SshLabHost[] = [];
  let inventory: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-e2e-demo-ssh-'));
    home = await sshHome();
    lab = await startSystemdSshHosts(3, { namePrefix: 'lab', authorizedKeys: [home.key.publicKey] });
    await home.trust(lab);
    inventory = join(dir, 'inventory.yml');
    writeFileSync(inventory, sshInventory({ lab: lab.flatMap((h) => sshHostLines(h, home)) }, { localhost: true }));
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled(lab.map((h) => h.stop()));
    await home?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('check changes nothing and predicts; the first run changes that; the second changes nothing', async () => {
    const root = join(dir, 'root');
    const args = ['playbooks/demo.yml', '-i', inventory, '-e', `demo_root=${root}`];
    const names = ['localhost', ...lab.map((h) => h.name)];

    const beforeLocal = await snapshotTree(dir);
    const before = await Promise.all(lab.map(fingerprint));
    const check = await tsplay([...args, '--check', '--diff'], home, { timeoutMs: 600_000 });
    expect(check.code, check.out).toBe(0);
    expect(await snapshotTree(dir)).toEqual(beforeLocal);
    const after = await Promise.all(lab.map(fingerprint));
    for (const [i, h] of lab.entries()) expect(after[i], h.name).toBe(before[i]);
    expect(check.out).toContain(`+++ after: ${root}/app.conf`);
    expect(check.out).toContain('+Description=tsplay demo service');

    const first = await tsplay([...args, '--diff'], home, { timeoutMs: 600_000 });
    expect(first.code, first.out).toBe(0);
    for (const host of names) {
      expect(first.recap[host]?.changed, `${host}\n${first.out}`).toBeGreaterThan(0);
      expect(first.recap[host]?.changed, `${host}: check predicted ${check.recap[host]?.changed}\n${first.out}`).toBe(check.recap[host]?.changed);
      expect(first.recap[host]).toMatchObject({ failed: 0, unreachable: 0 });
    }
    expect(first.out).toContain('+ports=6443,10250');
    for (const h of lab) {
      const state = await h.exec("dpkg-query -W -f='${Status}' sl; echo; systemctl is-active tsplay-demo; systemctl is-enabled tsplay-demo");
      expect(state.stdout, h.name).toMatch(/install ok installed\s+active\s+enabled/);
    }

    const second = await tsplay(args, home, { timeoutMs: 600_000 });
    expect(second.code, second.out).toBe(0);
    for (const host of names) expect(second.recap[host]?.changed, `${host}\n${second.out}`).toBe(0);
  }, 900_000);
});
