/**
 * playbooks/vms.yml through the real CLI and the real HTTP connection
 * (vsphere_soap) against vcsim, with inventory/poc (group vcenter) and
 * its group_vars; placement variables point at vcsim's inventory. A counting
 * proxy between the CLI and vcsim records every SOAP method sent.
 *  - --check writes nothing and names the VMs; the first run clones the five
 *    nodes (two tasks, each cloning its VMs in parallel); the second sends no write;
 *  - a wrong password and an unreachable vCenter make the host unreachable
 *    (exit 3), nothing written; the password never prints at -vvv.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playbookCli } from '../cli/cli-harness.js';
import { startSoapProxy, type SoapProxy } from '../doubles/soap-proxy/index.js';
import { startVcsim, vcsimAvailable, type Vcsim } from '../lab/vcsim.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/tsplay.js');
const PASSWORD = 'Vc-e2e-pw-7f3d-never-shown';
const VAULT_PASSWORD = 'vault-pw-vms-e2e-52ac';
const WRITES = ['CloneVM_Task', 'ReconfigVM_Task', 'CustomizeVM_Task', 'PowerOnVM_Task', 'PowerOffVM_Task', 'Destroy_Task'];

/** Runs the CLI without blocking this process: the SOAP proxy lives here and must keep answering. */
const tsplay = (args: readonly string[]) => playbookCli(args, { cwd: ROOT });

const ready = await vcsimAvailable();

describe.skipIf(!ready)('playbooks/vms.yml against vcsim', () => {
  let dir: string;
  let sim: Vcsim;
  let proxy: SoapProxy;
  let args: string[];

  beforeAll(async () => {
    sim = await startVcsim({ user: 'k8s-provisioner@vsphere.local', password: PASSWORD, methodDelays: { CloneVM_Task: 200 } });
    proxy = await startSoapProxy(sim.baseUrl);
    dir = mkdtempSync(join(tmpdir(), 'tsplay-vms-e2e-'));
    writeFileSync(join(dir, 'vault-pw'), `${VAULT_PASSWORD}\n`);
    writeFileSync(join(dir, 'secrets.yml'), `vault_vcenter_password: ${PASSWORD}\n`);
    const enc = spawnSync(process.execPath, [CLI, 'vault', 'encrypt', join(dir, 'secrets.yml'), '--vault-password-file', join(dir, 'vault-pw')], { encoding: 'utf8' });
    expect(enc.status, enc.stderr).toBe(0);
    // vcsim's inventory instead of the example's (test/doubles/vcsim/main.go)
    writeFileSync(
      join(dir, 'vcsim.yml'),
      [
        'vsphere_datacenter: DC0',
        'vsphere_cluster: DC0_C0',
        'vsphere_datastore: LocalDS_0',
        'vsphere_network: DC0_DVPG0',
        'vsphere_customization: vcsim-linux',
        'vsphere_worker_memory_mb: 12288',
      ].join('\n'),
    );
    args = ['playbooks/vms.yml', '-i', 'inventory/poc', '--tags', 'vms', '-e', `@${join(dir, 'secrets.yml')}`, '--vault-password-file', join(dir, 'vault-pw'), '-e', `@${join(dir, 'vcsim.yml')}`];
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const at = (url: string): string[] => ['-e', `tsplay_http_url=${url}`];
  const writes = (from: number): string[] => proxy.methods.slice(from).filter((m) => WRITES.includes(m));

  it('check names the VMs and writes nothing; the run clones all five; a second run sends no write; the password never prints', async () => {
    const check = await tsplay([...args, ...at(proxy.url), '--check', '--diff', '-vvv']);
    expect(check.code, check.out).toBe(0);
    expect(writes(0)).toEqual([]);
    expect(check.recap['vcenter-1']).toMatchObject({ changed: 2, failed: 0 });
    expect(check.out).toContain('clone cp-1 and power on; clone cp-2 and power on; clone cp-3 and power on');
    expect(check.out).toContain('clone w-1 and power on; clone w-2 and power on');
    expect(check.out).toContain('/DC0/vm/k8s/w-2');
    expect(check.out).not.toContain(PASSWORD);

    const mark = proxy.methods.length;
    const first = await tsplay([...args, ...at(proxy.url), '-vvv']);
    expect(first.code, first.out).toBe(0);
    expect(first.recap['vcenter-1']).toMatchObject({ changed: 2, failed: 0 });
    const sent = writes(mark);
    expect(sent.filter((m) => m === 'CloneVM_Task')).toHaveLength(5);
    expect(sent.filter((m) => m === 'CustomizeVM_Task')).toHaveLength(5);
    expect(sent.filter((m) => m === 'PowerOnVM_Task')).toHaveLength(5);
    expect(first.out).not.toContain(PASSWORD);

    const mark2 = proxy.methods.length;
    const second = await tsplay([...args, ...at(proxy.url)]);
    expect(second.code, second.out).toBe(0);
    expect(second.recap['vcenter-1']).toMatchObject({ changed: 0, failed: 0 });
    expect(writes(mark2)).toEqual([]);

    const recheck = await tsplay([...args, ...at(proxy.url), '--check']);
    expect(recheck.recap['vcenter-1']).toMatchObject({ changed: 0, failed: 0 });
  });

  it('a changed size on powered-on VMs is reported, not applied: ok with a warning, no write', async () => {
    const mark = proxy.methods.length;
    const r = await tsplay([...args, ...at(proxy.url), '-e', 'vsphere_cp_cpus=6']);
    expect(r.code, r.out).toBe(0);
    expect(r.recap['vcenter-1']).toMatchObject({ changed: 0, failed: 0 });
    expect(r.out).toContain('cp-1 is powered on with cpus 4 (wanted 6): power it off to let govc_clone reconfigure it');
    expect(writes(mark)).toEqual([]);
  });

  it('a wrong password makes vCenter unreachable (exit 3), with a clear message and nothing written', async () => {
    const mark = proxy.methods.length;
    const r = await tsplay([...args, ...at(proxy.url), '-e', 'vault_vcenter_password=wrong-pw-1234']);
    expect(r.code, r.out).toBe(3);
    expect(r.recap['vcenter-1']).toMatchObject({ unreachable: 1 });
    expect(r.out).toContain("vSphere login as 'k8s-provisioner@vsphere.local' was refused");
    expect(r.out).not.toContain('wrong-pw-1234');
    expect(writes(mark)).toEqual([]);
  });

  it('an unreachable vCenter makes the host unreachable (exit 3)', async () => {
    const gone = await startSoapProxy(sim.baseUrl);
    const url = gone.url;
    await gone.close();
    const r = await tsplay([...args, ...at(url), '-e', 'tsplay_http_timeout=3', '-e', 'tsplay_http_retries=0']);
    expect(r.code, r.out).toBe(3);
    expect(r.recap['vcenter-1']).toMatchObject({ unreachable: 1 });
    expect(r.out).toMatch(/vcenter-1.*(refused|cannot reach)/s);
  });
});
