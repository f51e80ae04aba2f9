import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerInventory, labAvailable, startHosts, type LabHost } from './index.js';

const ready = await labAvailable();

describe.skipIf(!ready)('lab: systemd hosts', () => {
  let hosts: LabHost[] = [];

  beforeAll(async () => {
    const t0 = Date.now();
    hosts = await startHosts(2);
    console.log(`lab: 2 systemd hosts booted in parallel in ${Date.now() - t0} ms (${hosts.map((h) => h.systemState).join(', ')})`);
  });
  afterAll(async () => {
    await Promise.allSettled(hosts.map((h) => h.stop()));
  });

  it('boots systemd as PID 1 with sshd running', async () => {
    const [h] = hosts;
    expect(h!.systemState).toBe('running');
    expect((await h!.exec('cat /proc/1/comm')).stdout.trim()).toBe('systemd');
    const ssh = await h!.exec('systemctl is-active ssh');
    expect(ssh.stdout.trim()).toBe('active');
    expect(h!.name).toBe('host1');
    expect((await h!.exec('hostname')).stdout.trim()).toBe('host1');
  });

  it('lets systemctl manage units', async () => {
    const h = hosts[1]!;
    await h.exec(
      `printf '[Service]\\nType=oneshot\\nRemainAfterExit=yes\\nExecStart=/bin/true\\n' > /etc/systemd/system/labprobe.service`,
    );
    const r = await h.exec('systemctl daemon-reload && systemctl start labprobe && systemctl is-active labprobe');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('active');
  });

  it('makes net.* sysctls writable and leaves vm.* read-only', async () => {
    const h = hosts[0]!;
    const net = await h.exec('sysctl -w net.ipv4.ip_forward=1 && cat /proc/sys/net/ipv4/ip_forward');
    expect(net.exitCode, net.stderr).toBe(0);
    expect(net.stdout).toContain('1');
    const vm = await h.exec('sysctl -w vm.swappiness=13');
    expect(vm.exitCode).not.toBe(0);
    const kernel = await h.exec('echo 1 > /proc/sys/kernel/sysrq');
    expect(kernel.exitCode).not.toBe(0);
  });

  it('runs apt-get against the Debian mirror', async () => {
    const h = hosts[1]!;
    const r = await h.exec('apt-get update -qq && apt-get install -y -qq --no-install-recommends tree >/dev/null && tree --version');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tree v/);
  }, 180_000);

  it('reads files, null when missing', async () => {
    const h = hosts[0]!;
    expect(await h.readFile('/etc/debian_version')).toMatch(/^12\./);
    expect(await h.readFile('/nonexistent')).toBeNull();
  });

  it('writes a docker inventory', () => {
    const inv = dockerInventory(hosts, 'web');
    expect(inv).toContain('    web:\n      hosts:\n        host1:\n');
    expect(inv).toContain(`tsplay_host: ${hosts[0]!.container}`);
    expect(inv).toContain('tsplay_connection: docker');
  });

  it('writes an inventory ansible-inventory reads the same way', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsplay-inv-'));
    try {
      await writeFile(join(dir, 'hosts.yml'), dockerInventory(hosts, 'web'));
      const { stdout } = await promisify(execFile)('ansible-inventory', ['-i', join(dir, 'hosts.yml'), '--list']);
      const parsed = JSON.parse(stdout) as { web: { hosts: string[] }; _meta: { hostvars: Record<string, Record<string, string>> } };
      expect(parsed.web.hosts).toEqual(['host1', 'host2']);
      expect(parsed._meta.hostvars.host2).toEqual({ tsplay_host: hosts[1]!.container, tsplay_connection: 'docker' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!ready)('lab: sshd hosts', () => {
  let hosts: LabHost[] = [];
  afterAll(async () => {
    await Promise.allSettled(hosts.map((h) => h.stop()));
  });

  it('starts sshd as PID 1', async () => {
    const t0 = Date.now();
    hosts = await startHosts(3, { kind: 'sshd', namePrefix: 'ssh' });
    console.log(`lab: 3 sshd hosts started in parallel in ${Date.now() - t0} ms`);
    expect(hosts.map((h) => h.name)).toEqual(['ssh1', 'ssh2', 'ssh3']);
    const r = await hosts[2]!.exec('cat /proc/1/comm; test -s /etc/ssh/ssh_host_ed25519_key.pub && echo keys');
    expect(r.stdout).toBe('sshd\nkeys\n');
  });
});

describe('lab: availability', () => {
  it('reports the lab as available on a set-up machine', () => {
    // when this fails, run scripts/lab/setup.sh; the other suites are skipped
    expect(ready).toBe(true);
  });
});
