/**
 * sysctl, swap, kernel_modules and hosts_entries together, through the real
 * CLI, against two systemd lab hosts (test/fixtures/playbooks/node-prep.yml):
 * --check changes nothing on any host and predicts each host's changed count;
 * the first run changes exactly that much; a second run and a second check
 * change nothing; --diff shows the file changes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerInventory, labAvailable, startHosts, type LabHost } from '../lab/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/tsplay.js');
const PLAYBOOK = 'test/fixtures/playbooks/node-prep.yml';

function tsplay(args: string[]): { code: number; out: string; changed: Record<string, number>; failed: Record<string, number> } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 300_000 });
  const out = `${r.stdout}${r.stderr}`;
  const changed: Record<string, number> = {};
  const failed: Record<string, number> = {};
  for (const m of out.matchAll(/^(\S+)\s+: ok=\d+ changed=(\d+) unreachable=\d+ failed=(\d+)/gm)) {
    changed[m[1]!] = Number(m[2]);
    failed[m[1]!] = Number(m[3]);
  }
  return { code: r.status ?? -1, out, changed, failed };
}

/** Everything the playbook touches on a host. */
async function nodeState(h: LabHost): Promise<string> {
  const r = await h.exec(
    'cat /etc/fstab /etc/hosts /etc/modules-load.d/k8s.conf /etc/sysctl.d/90-k8s.conf 2>&1; sysctl -n net.ipv4.conf.all.rp_filter net.ipv4.ip_local_port_range; systemctl show -p LoadState --value swapfile.swap',
  );
  return r.stdout;
}

const ready = await labAvailable(['systemd']);

describe.skipIf(!ready)('node preparation modules in one playbook, through the CLI', () => {
  let dir: string;
  let lab: LabHost[] = [];
  let inventory: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-node-prep-'));
    lab = await startHosts(2, { kind: 'systemd', namePrefix: 'node' });
    inventory = join(dir, 'inventory.yml');
    writeFileSync(inventory, dockerInventory(lab));
    // something for swap to do: a swap line in fstab
    for (const h of lab) await h.exec("printf 'proc /proc proc defaults 0 0\\n/swapfile none swap sw 0 0\\n' > /etc/fstab");
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled(lab.map((h) => h.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('check predicts and changes nothing, the first run changes that, the second changes nothing', async () => {
    const args = [PLAYBOOK, '-i', inventory];
    const before = await Promise.all(lab.map(nodeState));

    const check = tsplay([...args, '--check', '--diff']);
    expect(check.code, check.out).toBe(0);
    expect(await Promise.all(lab.map(nodeState))).toEqual(before);
    expect(check.out).toContain('+#/swapfile none swap sw 0 0');
    expect(check.out).toContain('+net.ipv4.ip_local_port_range = 20000 60999');
    expect(check.out).toContain('+10.20.0.10\tk8s-api');
    expect(check.out).toContain('+br_netfilter');

    const first = tsplay([...args, '--diff']);
    expect(first.code, first.out).toBe(0);
    for (const h of lab) {
      expect(first.changed[h.name], first.out).toBe(4);
      expect(first.changed[h.name], `check predicted ${check.changed[h.name]}\n${first.out}`).toBe(check.changed[h.name]);
      expect(first.failed[h.name]).toBe(0);
    }
    for (const h of lab) {
      const state = await nodeState(h);
      expect(state).toContain('#/swapfile none swap sw 0 0');
      expect(state).toContain('10.20.0.11\tcp-1 cp-1.lab\n10.20.0.10\tk8s-api\n');
      expect(state).toContain('overlay\nbr_netfilter\n');
      expect(state).toMatch(/\n1\n20000\s+60999\nmasked\n$/);
    }

    const second = tsplay(args);
    expect(second.code, second.out).toBe(0);
    for (const h of lab) expect(second.changed[h.name], second.out).toBe(0);
    const checkAgain = tsplay([...args, '--check']);
    for (const h of lab) expect(checkAgain.changed[h.name], checkAgain.out).toBe(0);
  });
});
