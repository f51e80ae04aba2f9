/**
 * playbooks/prepare-nodes.yml through the built CLI, over SSH, against three
 * systemd lab hosts (one in cp, two in workers), with the defaults of
 * inventory/poc/group_vars/all.yml. pkgs.k8s.io cannot be reached from
 * tests, so each host serves a local signed stand-in of it (test/lab/apt-repo.ts:
 * kubeadm, kubelet, kubectl 1.34.1-1.1 and 1.34.2-1.1 built with dpkg-deb) on
 * its own 127.0.0.1, and -e points k8s_apt_url/k8s_apt_key_url there. Debian's
 * containerd comes from Debian's mirror, as on a real node.
 *
 *  - --check --diff on fresh hosts (with Debian's package lists, as an
 *    installed node has them) changes nothing (checksums of every file
 *    under /etc, /var/lib/dpkg and /usr/bin, swap and unit state) and predicts
 *    each host's changed count;
 *  - the first run changes exactly that much and leaves the nodes prepared;
 *  - the second run changes nothing (changed=0 on every host), and --check
 *    then predicts nothing.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAvailable, type SshLabHost } from '../lab/index.js';
import { startAptRepo } from '../lab/apt-repo.js';
import { ROOT, sshHome, sshHostLines, startSystemdSshHosts, tsplay, type SshHome } from './ssh-lab.js';

const ready = await labAvailable(['systemd']);

const K8S = ['kubeadm', 'kubelet', 'kubectl'];
const REPO_PATH = 'core:/stable:/v1.34/deb';

/** Every file the playbook could touch, with checksum, mode and owner; plus units and holds. */
async function fingerprint(h: SshLabHost): Promise<string> {
  const r = await h.exec(
    [
      "find /etc /var/lib/dpkg /usr/bin -xdev \\( -type f -o -type l \\) -printf '%p %m %u:%g ' -exec sh -c 'md5sum < \"$1\" 2>/dev/null || echo link' _ {} \\; | sort",
      'systemctl is-active containerd 2>&1',
      'apt-mark showhold',
      'cat /proc/swaps',
      'true',
    ].join('; '),
  );
  return r.stdout;
}

describe.skipIf(!ready)('playbooks/prepare-nodes.yml over SSH on three systemd hosts', () => {
  let dir: string;
  let home: SshHome;
  let lab: SshLabHost[] = [];
  let inventoryDir: string;
  let extraVars: string[];
  let ips: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-e2e-prepare-'));
    home = await sshHome();
    lab = await startSystemdSshHosts(3, { namePrefix: 'node', authorizedKeys: [home.key.publicKey] });
    await home.trust(lab);
    const repos = await Promise.all(
      lab.map((h) => startAptRepo(h, { [REPO_PATH]: K8S.flatMap((name) => ['1.34.1-1.1', '1.34.2-1.1'].map((version) => ({ name, version }))) })),
    );
    // an installed Debian node has its package lists; the lab image has none
    await Promise.all(lab.map(async (h) => expect((await h.exec('apt-get update -q')).exitCode).toBe(0)));
    ips = await Promise.all(lab.map(async (h) => (await h.exec('hostname -I')).stdout.trim().split(/\s+/)[0] ?? ''));
    // the cluster's settings as shipped (group_vars/all.yml), beside an inventory of the lab hosts
    inventoryDir = join(dir, 'inventory');
    mkdirSync(join(inventoryDir, 'group_vars'), { recursive: true });
    cpSync(join(ROOT, 'inventory/poc/group_vars/all.yml'), join(inventoryDir, 'group_vars/all.yml'));
    const host = (i: number): string[] => sshHostLines(lab[i]!, home, { node_ip: ips[i]! });
    writeFileSync(
      join(inventoryDir, 'hosts.yml'),
      ['all:', '  children:', '    cp:', '      hosts:', ...host(0), '    workers:', '      hosts:', ...host(1), ...host(2), ''].join('\n'),
    );
    // every host serves the same paths on its own 127.0.0.1:8081
    extraVars = ['-e', `k8s_apt_url=${repos[0]!.url(REPO_PATH)}`, '-e', `k8s_apt_key_url=${repos[0]!.keyUrl}`];
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled(lab.map((h) => h.stop()));
    await home?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('check changes nothing and predicts; the first run prepares the nodes; the second changes nothing', async () => {
    const args = ['playbooks/prepare-nodes.yml', '-i', inventoryDir, ...extraVars, '--tags', 'prepare'];
    const names = lab.map((h) => h.name);

    const before = await Promise.all(lab.map(fingerprint));
    const check = await tsplay([...args, '--check', '--diff'], home, { timeoutMs: 600_000 });
    expect(check.code, check.out).toBe(0);
    expect(await Promise.all(lab.map(fingerprint))).toEqual(before);
    // the diff shows the files the run would write
    expect(check.out).toContain('+net.ipv4.ip_forward = 1');
    expect(check.out).toContain('+[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]');
    expect(check.out).toContain('+SystemdCgroup = true');
    expect(check.out).toContain(`+deb [signed-by=/etc/apt/keyrings/kubernetes.gpg] ${extraVars[1]!.split('=')[1]} /`);
    for (const n of names) expect(check.recap[n]?.changed, `${n}\n${check.out}`).toBeGreaterThan(0);

    const first = await tsplay(args, home, { timeoutMs: 900_000 });
    expect(first.code, first.out).toBe(0);
    for (const n of names) {
      expect(first.recap[n]?.failed, first.out).toBe(0);
      expect(first.recap[n]?.changed, `${n}: check predicted ${check.recap[n]?.changed}\n${check.out}\n${first.out}`).toBe(check.recap[n]?.changed);
    }

    for (const [i, h] of lab.entries()) {
      const state = await h.exec(
        [
          "dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\\n' kubeadm kubelet kubectl containerd",
          'apt-mark showhold',
          'systemctl is-active containerd',
          'cat /etc/modules-load.d/k8s.conf /etc/sysctl.d/k8s.conf',
          'grep -E "k8s-api|node[0-9]" /etc/hosts',
          "grep -E 'SystemdCgroup|sandbox_image|^version' /etc/containerd/config.toml",
          'ctr version >/dev/null && echo socket answers',
        ].join('; '),
      );
      const out = state.stdout;
      for (const p of K8S) expect(out, h.name).toContain(`${p} 1.34.2-1.1 hi`); // h: held, i: installed
      expect(out).toMatch(/containerd 1\.6\.\S+ ii/);
      expect(out.match(/^kube(adm|let|ctl)$/gm)?.sort()).toEqual(['kubeadm', 'kubectl', 'kubelet']);
      expect(out).toContain('active\n');
      expect(out).toContain('overlay\nbr_netfilter\n');
      expect(out).toContain('net.ipv4.ip_forward = 1');
      expect(out).toMatch(/^10\.1\.1\.5\s+k8s-api$/m);
      for (const [j, other] of lab.entries()) expect(out, `${h.name} lists ${other.name}`).toMatch(new RegExp(`^${ips[j]!.replace(/\./g, '\\.')}\\s+${other.name}$`, 'm'));
      expect(out).toContain('version = 2\nsandbox_image = "registry.k8s.io/pause:3.10.1"\nSystemdCgroup = true');
      expect(out, `host ${i}`).toContain('socket answers');
    }

    const second = await tsplay(args, home, { timeoutMs: 600_000 });
    expect(second.code, second.out).toBe(0);
    for (const n of names) expect(second.recap[n], second.out).toMatchObject({ changed: 0, failed: 0 });

    const after = await Promise.all(lab.map(fingerprint));
    const recheck = await tsplay([...args, '--check'], home, { timeoutMs: 600_000 });
    expect(recheck.code, recheck.out).toBe(0);
    for (const n of names) expect(recheck.recap[n], recheck.out).toMatchObject({ changed: 0, failed: 0 });
    expect(await Promise.all(lab.map(fingerprint))).toEqual(after);
  }, 1_800_000);
});
