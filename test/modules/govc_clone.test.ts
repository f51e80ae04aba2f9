/**
 * govc_clone against vcsim through tsplay's real HTTP connection
 * (vsphere_soap login). Writes are counted by a proxy around the client:
 * a rerun and --check must send no CloneVM_Task, ReconfigVM_Task,
 * CustomizeVM_Task or PowerOnVM_Task.
 */
import { afterEach, describe, expect, it } from 'vitest';
import govcClone from '../../src/modules/govc_clone.js';
import { VimClient } from '../../src/modules/support/vsphere/client.js';
import { findDatacenter } from '../../src/modules/support/vsphere/inventory.js';
import { readOne, val } from '../../src/modules/support/vsphere/properties.js';
import { listVms, type VmInfo } from '../../src/modules/support/vsphere/vms.js';
import { InvalidParams } from '../helpers/module-harness.js';
import { openVcenter, runOnVcenter, writesIn, type CountedConnection } from '../helpers/vcenter.js';
import { startVcsim, vcsimAvailable, type StartVcsimOptions, type Vcsim } from '../lab/vcsim.js';

const ready = await vcsimAvailable();

const NODES = {
  template: 'ubuntu-2404-template',
  datacenter: 'DC0',
  folder: 'k8s',
  cluster: 'DC0_C0',
  network: 'DC0_DVPG0',
  cpus: 2,
  memory_mb: 4096,
  vms: [{ name: 'cp-1' }, { name: 'cp-2' }, { name: 'cp-3' }, { name: 'worker-1', cpus: 4, memory_mb: 8192 }, { name: 'worker-2', cpus: 4, memory_mb: 8192 }],
};

let open: { sim: Vcsim; vc: CountedConnection }[] = [];
afterEach(async () => {
  for (const { sim, vc } of open) {
    await vc.connection.close().catch(() => undefined);
    await sim.close();
  }
  open = [];
});

async function lab(opts: StartVcsimOptions = {}): Promise<{ sim: Vcsim; vc: CountedConnection; vms: () => Promise<Map<string, VmInfo>> }> {
  const sim = await startVcsim(opts);
  const vc = await openVcenter(sim);
  open.push({ sim, vc });
  const vim = new VimClient(vc.http);
  const vms = async (): Promise<Map<string, VmInfo>> => new Map((await listVms(vim, await findDatacenter(vim, 'DC0'))).map((v) => [v.name, v]));
  return { sim, vc, vms };
}

const run = (vc: CountedConnection, params: Record<string, unknown>, check = false) => runOnVcenter(vc.connection, govcClone, params, { check });

describe.skipIf(!ready)('govc_clone against vcsim', () => {
  it('clones the cluster nodes in parallel (bounded), then a rerun changes nothing and sends no write', async () => {
    const { vc, vms } = await lab({ methodDelays: { CloneVM_Task: 300 } });
    const t0 = Date.now();
    const first = await run(vc, { ...NODES, parallel: 3 });
    const took = Date.now() - t0;
    expect(first.changed).toBe(true);
    expect(writesIn(vc.calls).filter((m) => m === 'CloneVM_Task')).toHaveLength(5);
    expect(vc.peak.get('CloneVM_Task')).toBe(3);
    expect(took).toBeLessThan(5 * 300);
    const after = await vms();
    for (const n of ['cp-1', 'cp-2', 'cp-3']) expect(after.get(n)).toMatchObject({ cpus: 2, memoryMb: 4096, powerState: 'poweredOff', template: false });
    for (const n of ['worker-1', 'worker-2']) expect(after.get(n)).toMatchObject({ cpus: 4, memoryMb: 8192 });
    expect(first.result.vms).toHaveLength(5);

    const before = vc.calls.length;
    const second = await run(vc, NODES);
    expect(second.changed).toBe(false);
    expect(writesIn(vc.calls.slice(before))).toEqual([]);
    expect(vc.calls.slice(before).every((c) => !c.viaRequest)).toBe(true);
    expect(second.plan.summary).toBe('5 VM(s) as wanted');
  });

  it('--check says which VMs would be cloned or changed, shows the settings, and writes nothing', async () => {
    const { vc, vms } = await lab();
    await run(vc, { ...NODES, vms: [{ name: 'cp-1' }] });
    const before = vc.calls.length;
    const check = await run(vc, { ...NODES, vms: [{ name: 'cp-1', cpus: 3 }, { name: 'cp-2' }] }, true);
    expect(check.changed).toBe(true);
    expect(check.plan.summary).toBe('cp-1: cpus 2 → 3; clone cp-2');
    expect(check.plan.diff).toEqual([
      { label: '/DC0/vm/k8s/cp-1', before: { cpus: 2, memory_mb: 4096, power_state: 'poweredOff' }, after: { cpus: 3, memory_mb: 4096, power_state: 'poweredOff' } },
      { label: '/DC0/vm/k8s/cp-2', after: { cpus: 2, memory_mb: 4096, power_state: 'poweredOff', cloned_from: NODES.template, network: 'DC0_DVPG0' } },
    ]);
    expect(check.result.vms).toEqual([
      expect.objectContaining({ name: 'cp-1', action: 'update' }),
      { name: 'cp-2', action: 'clone' },
    ]);
    expect(vc.calls.slice(before).filter((c) => c.viaRequest)).toEqual([]);
    expect([...(await vms()).keys()]).not.toContain('cp-2');
    expect((await vms()).get('cp-1')?.cpus).toBe(2);
  });

  it('reconfigures CPU and memory of a powered-off VM; reports a powered-on one (warning, or failure with powered_on_drift: fail)', async () => {
    const { vc, vms } = await lab();
    await run(vc, { ...NODES, vms: [{ name: 'cp-1' }, { name: 'cp-2', power_on: true }] });
    expect((await vms()).get('cp-2')?.powerState).toBe('poweredOn');
    const before = vc.calls.length;
    const resized = await run(vc, { ...NODES, vms: [{ name: 'cp-1' }, { name: 'cp-2' }], cpus: 4, memory_mb: 6144 });
    expect(resized.changed).toBe(true);
    expect(writesIn(vc.calls.slice(before))).toEqual(['ReconfigVM_Task']);
    expect((await vms()).get('cp-1')).toMatchObject({ cpus: 4, memoryMb: 6144 });
    expect((await vms()).get('cp-2')).toMatchObject({ cpus: 2, memoryMb: 4096, powerState: 'poweredOn' });
    expect(resized.warnings).toEqual(['cp-2 is powered on with cpus 2 (wanted 4), memory_mb 4096 (wanted 6144): power it off to let govc_clone reconfigure it']);
    expect(resized.result.vms).toContainEqual(expect.objectContaining({ name: 'cp-2', action: 'drift' }));

    const strict = await run(vc, { ...NODES, vms: [{ name: 'cp-2' }], cpus: 4, powered_on_drift: 'fail' }).catch((e: unknown) => e);
    expect((strict as Error).message).toBe('cp-2 is powered on with cpus 2 (wanted 4): power it off to let govc_clone reconfigure it');
  });

  it('powers on an existing powered-off VM with power_on: true, and never powers one off', async () => {
    const { vc, vms } = await lab();
    await run(vc, { ...NODES, vms: [{ name: 'cp-1' }] });
    const on = await run(vc, { ...NODES, vms: [{ name: 'cp-1' }], power_on: true });
    expect(on.plan.summary).toBe('cp-1: power on');
    expect((await vms()).get('cp-1')?.powerState).toBe('poweredOn');
    const before = vc.calls.length;
    const again = await run(vc, { ...NODES, vms: [{ name: 'cp-1' }], power_on: false });
    expect(again.changed).toBe(false);
    expect(writesIn(vc.calls.slice(before))).toEqual([]);
    expect((await vms()).get('cp-1')?.powerState).toBe('poweredOn');
  });

  it('clones with the vcsim-linux-static customization spec, applied before the first power-on', async () => {
    const { vc, vms } = await lab();
    const r = await run(vc, { template: NODES.template, folder: 'k8s', cluster: 'DC0_C0', name: 'lb-1', customization: 'vcsim-linux-static', power_on: true });
    expect(r.changed).toBe(true);
    expect(writesIn(vc.calls)).toEqual(['CloneVM_Task', 'CustomizeVM_Task', 'PowerOnVM_Task']);
    const vm = (await vms()).get('lb-1')!;
    expect(vm.powerState).toBe('poweredOn');
    // vcsim runs the Linux prep at power-on: the guest's host name comes from the spec (CustomizationPrefixName "vcsim")
    const guest = await readOne(new VimClient(vc.http), vm.ref, ['guest.hostName']);
    expect(val.text(guest.get('guest.hostName'))).toMatch(/^vcsim-\d+$/);
  });

  it('makes a linked clone from the template\'s snapshot on a given host and datastore', async () => {
    const { vc, vms } = await lab();
    const r = await run(vc, { template: NODES.template, folder: '/DC0/vm/k8s', cluster: 'DC0_C0', host: 'DC0_C0_H2', datastore: 'LocalDS_0', name: 'linked-1', snapshot: 'base', annotation: 'k8s node' });
    expect(r.changed).toBe(true);
    const vm = (await vms()).get('linked-1')!;
    expect(vm.annotation).toBe('k8s node');
    // vcsim accepts a linked clone but does not model disks; the request is what vCenter needs
    const clone = vc.calls.find((c) => c.method === 'CloneVM_Task')!.body;
    expect(clone).toMatch(/<location><datastore type="Datastore">[^<]+<\/datastore><diskMoveType>createNewChildDiskBacking<\/diskMoveType><pool type="ResourcePool">[^<]+<\/pool><host type="HostSystem">[^<]+<\/host><\/location>/);
    expect(clone).toMatch(/<snapshot type="VirtualMachineSnapshot">[^<]+<\/snapshot><\/spec>/);
    const host = val.ref((await readOne(new VimClient(vc.http), vm.ref, ['runtime.host'])).get('runtime.host'));
    const hostName = val.text((await readOne(new VimClient(vc.http), host!, ['name'])).get('name'));
    expect(hostName).toBe('DC0_C0_H2');
  });

  const faults: { name: string; params: Record<string, unknown>; message: string | RegExp }[] = [
    { name: 'missing template', params: { ...NODES, template: 'ubuntu-9999' }, message: "source VM or template 'ubuntu-9999' not found in datacenter DC0" },
    { name: 'missing customization spec', params: { ...NODES, customization: 'no-such-spec' }, message: "customization spec 'no-such-spec' not found in vCenter" },
    { name: 'missing folder', params: { ...NODES, folder: 'nodes' }, message: 'VM folder not found: /DC0/vm/nodes' },
    { name: 'missing network', params: { ...NODES, network: 'k8s-segment' }, message: 'network not found: /DC0/network/k8s-segment' },
    { name: 'missing snapshot', params: { ...NODES, snapshot: 'golden' }, message: "snapshot 'golden' not found on ubuntu-2404-template (it has: base)" },
    { name: 'name taken by a VM in another folder', params: { ...NODES, vms: [{ name: 'DC0_C0_RP0_VM1' }] }, message: "a VM named 'DC0_C0_RP0_VM1' already exists in /DC0/vm, not in the target folder /DC0/vm/k8s; govc_clone never moves or renames VMs" },
    { name: 'name taken by a template', params: { ...NODES, folder: undefined, vms: [{ name: NODES.template }] }, message: "'ubuntu-2404-template' in /DC0/vm is a template, not a VM" },
  ];

  it.each(faults)('fails clearly, in --check too, without writing: $name', async ({ params, message }) => {
    const { vc } = await lab();
    for (const check of [true, false]) {
      const err = await run(vc, params, check).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toEqual(message);
    }
    expect(writesIn(vc.calls)).toEqual([]);
  });

  it('finishes the other VMs when one VM\'s task fails, then fails naming it (vCenter changed between check and apply)', async () => {
    const { vc, vms } = await lab();
    await run(vc, { ...NODES, vms: [{ name: 'cp-1' }] });
    const vim = new VimClient(vc.http);
    const err = await runOnVcenter(vc.connection, govcClone, { ...NODES, vms: [{ name: 'cp-1', power_on: true }, { name: 'cp-2' }] }, {
      // someone powers cp-1 on by hand after the plan was made
      beforeApply: async () => {
        const { powerOnVm } = await import('../../src/modules/support/vsphere/operations.js');
        await powerOnVm(vim, (await vms()).get('cp-1')!.ref, 'cp-1');
      },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('1 of 2 VMs failed: cp-1: the VM is already poweredOn (InvalidPowerState)');
    expect((err as { result?: Record<string, unknown> }).result).toMatchObject({ changed: true, vms: [{ name: 'cp-1', changed: false, done: [] }, { name: 'cp-2', action: 'clone', changed: true, done: ['cloned', 'reconfigured'] }] });
    expect((await vms()).get('cp-2')).toMatchObject({ cpus: 2, memoryMb: 4096 });
  });

  it('keeps a clone whose customization fails, reports the step, and a rerun leaves it (customization is for new clones only)', async () => {
    const { vc, vms } = await lab();
    const vim = new VimClient(vc.http);
    // a source without a NIC: the spec's one NIC setting cannot apply
    const { sourceDetails } = await import('../../src/modules/support/vsphere/vms.js');
    const source = (await vms()).get('DC0_C0_RP0_VM1')!;
    const nic = (await sourceDetails(vim, source.ref)).nic!;
    await vim.write('ReconfigVM_Task', source.ref, `<spec><deviceChange><operation>remove</operation><device xsi:type="${nic.type}"><key>${nic.key}</key></device></deviceChange></spec>`);
    const params = { template: 'DC0_C0_RP0_VM1', folder: 'k8s', vms: ['nonic-1'], customization: 'vcsim-linux', power_on: true };
    const err = await run(vc, params).catch((e: unknown) => e);
    expect((err as Error).message).toBe('nonic-1: the customization spec has 1 NIC setting(s), the VM has 0 NIC(s) (NicSettingMismatch)');
    expect((err as { result?: Record<string, unknown> }).result).toMatchObject({ changed: true, vms: [{ name: 'nonic-1', done: ['cloned'] }] });
    expect((await vms()).get('nonic-1')?.powerState).toBe('poweredOff');
    const again = await run(vc, params);
    expect(again.plan.summary).toBe('nonic-1: power on');
  });

  it('logs in again when the session expired between check and apply (the connection\'s vsphere_soap re-login)', async () => {
    const { vc, vms } = await lab();
    const r = await runOnVcenter(vc.connection, govcClone, { ...NODES, vms: ['cp-1'] }, {
      beforeApply: async () => {
        // the session ends on the server (timeout, or an admin logs it out)
        await new VimClient(vc.http).write('Logout', { type: 'SessionManager', value: 'SessionManager' });
      },
    });
    expect(r.changed).toBe(true);
    expect((await vms()).get('cp-1')).toMatchObject({ cpus: 2, memoryMb: 4096 });
    // the module sent the clone once; the connection got NotAuthenticated, logged in again and resent it
    expect(vc.calls.filter((c) => c.method === 'CloneVM_Task')).toHaveLength(1);
    expect(vc.log.filter((l) => /session expired.*logging in again/.test(l))).toHaveLength(1);
  });

  it('fails with the connection\'s error when vCenter goes away between check and apply', async () => {
    const { sim, vc } = await lab();
    const err = await runOnVcenter(vc.connection, govcClone, { ...NODES, vms: ['cp-1', 'cp-2'] }, { beforeApply: () => sim.close() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^vcenter: (connection refused by|the connection to) http:\/\/127\.0\.0\.1:\d+\/sdk/);
    expect((err as Error).message).not.toContain(sim.password);
  });

  it('clones from an ordinary VM into its own resource pool when no placement is given', async () => {
    const { vc, vms } = await lab();
    const r = await run(vc, { template: 'DC0_C0_RP0_VM1', folder: 'k8s', vms: [{ name: 'a' }, { name: 'b' }] });
    expect(r.changed).toBe(true);
    expect([...(await vms()).keys()]).toEqual(expect.arrayContaining(['a', 'b']));
  });

  it.each([
    { name: 'neither name nor vms', params: { template: 't' } },
    { name: 'both name and vms', params: { template: 't', name: 'a', vms: [{ name: 'b' }] } },
    { name: 'no CPUs', params: { template: 't', name: 'a', cpus: 0 } },
    { name: 'an unknown field in a vms entry', params: { template: 't', vms: [{ name: 'b', cpu: 2 }] } },
  ])('rejects bad parameters before contacting vCenter: $name', async ({ params }) => {
    await expect(runOnVcenter(null as never, govcClone, params)).rejects.toBeInstanceOf(InvalidParams);
  });

  it('rejects a VM listed twice before reading anything', async () => {
    const { vc } = await lab();
    await expect(run(vc, { ...NODES, vms: [{ name: 'cp-1' }, { name: 'cp-1' }] })).rejects.toThrow("vms: 'cp-1' is listed twice");
    expect(vc.calls).toEqual([]);
  });
});
