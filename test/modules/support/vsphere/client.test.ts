import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VimClient } from '../../../../src/modules/support/vsphere/client.js';
import { customizationSpecXml } from '../../../../src/modules/support/vsphere/customization.js';
import { VimFault } from '../../../../src/modules/support/vsphere/fault.js';
import { defaultPool, findDatacenter, findFolder, findHost } from '../../../../src/modules/support/vsphere/inventory.js';
import { networkBackingXml } from '../../../../src/modules/support/vsphere/network.js';
import { cloneVm, customizeVm, powerOnVm, reconfigureVm } from '../../../../src/modules/support/vsphere/operations.js';
import { listVms, pickSnapshot, readVm, sourceDetails } from '../../../../src/modules/support/vsphere/vms.js';
import { readOne, val } from '../../../../src/modules/support/vsphere/properties.js';
import { openVcenter, writesIn, type CountedConnection } from '../../../helpers/vcenter.js';
import { startVcsim, vcsimAvailable, type Vcsim } from '../../../lab/vcsim.js';

const ready = await vcsimAvailable();

describe.skipIf(!ready)('vim25 client against vcsim', () => {
  let sim: Vcsim;
  let vc: CountedConnection;
  let vim: VimClient;
  beforeAll(async () => {
    sim = await startVcsim();
    vc = await openVcenter(sim);
    vim = new VimClient(vc.http);
  });
  afterAll(async () => {
    if (process.env.VCSIM_LOG) console.log(sim?.stderr());
    await vc?.connection.close();
    await sim?.close();
  });

  it('finds the datacenter (the only one when not named), folders, hosts and the default pool', async () => {
    const dc = await findDatacenter(vim, undefined);
    expect(dc.path).toBe('DC0');
    expect((await findDatacenter(vim, 'DC0')).ref).toEqual(dc.ref);
    expect((await findFolder(vim, dc, 'k8s')).type).toBe('Folder');
    expect((await findFolder(vim, dc, '/DC0/vm/k8s')).type).toBe('Folder');
    expect((await findHost(vim, dc, 'DC0_C0_H1', 'DC0_C0')).type).toBe('HostSystem');
    expect((await defaultPool(vim, dc)).type).toBe('ResourcePool');
    await expect(findFolder(vim, dc, 'nope')).rejects.toThrow('VM folder not found: /DC0/vm/nope');
    await expect(findDatacenter(vim, 'DC9')).rejects.toThrow('datacenter not found: DC9');
  });

  it('lists VMs with template flag, CPUs, memory and power state; reads the source NIC and snapshots', async () => {
    const dc = await findDatacenter(vim, 'DC0');
    const vms = await listVms(vim, dc);
    const template = vms.find((v) => v.name === 'ubuntu-2404-template');
    expect(template).toMatchObject({ template: true, cpus: 1, memoryMb: 32, powerState: 'poweredOff' });
    expect(vms.find((v) => v.name === 'DC0_C0_RP0_VM1')).toMatchObject({ template: false });
    const src = await sourceDetails(vim, template!.ref);
    expect(src.nic?.type).toMatch(/^Virtual/);
    expect(src.snapshots.map((s) => s.name)).toEqual(['base']);
    expect(pickSnapshot(src, 'tpl', 'base')).toEqual(src.currentSnapshot);
    expect(() => pickSnapshot(src, 'tpl', 'gone')).toThrow("snapshot 'gone' not found on tpl (it has: base)");
  });

  it('fetches a saved customization spec, and names a missing one', async () => {
    const spec = await customizationSpecXml(vim, 'vcsim-linux-static');
    expect(spec).toContain('CustomizationLinuxPrep');
    expect(spec).toContain('CustomizationUnknownIpGenerator');
    const err = await customizationSpecXml(vim, 'no-such-spec').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VimFault);
    expect((err as VimFault).message).toBe("customization spec 'no-such-spec' not found in vCenter");
  });

  it('clones into a folder and pool on a network, reconfigures, customizes and powers on, waiting for each task', async () => {
    const dc = await findDatacenter(vim, 'DC0');
    const vms = await listVms(vim, dc);
    const template = vms.find((v) => v.name === 'ubuntu-2404-template')!;
    const src = await sourceDetails(vim, template.ref);
    const backing = await networkBackingXml(vim, dc, 'DC0_DVPG0');
    const { nicChangeXml } = await import('../../../../src/modules/support/vsphere/network.js');
    const before = vc.calls.length;
    const ref = await cloneVm(vim, template.ref, 'client-1', {
      folder: await findFolder(vim, dc, 'k8s'),
      pool: await defaultPool(vim, dc),
      nicChangeXml: nicChangeXml(src.nic, backing),
    });
    await reconfigureVm(vim, ref, 'client-1', { cpus: 2, memoryMb: 2048, annotation: 'made by a test' });
    await customizeVm(vim, ref, 'client-1', await customizationSpecXml(vim, 'vcsim-linux'));
    await powerOnVm(vim, ref, "client-1");
    expect(writesIn(vc.calls.slice(before))).toEqual(['CloneVM_Task', 'ReconfigVM_Task', 'CustomizeVM_Task', 'PowerOnVM_Task']);
    expect(await readVm(vim, ref)).toMatchObject({ name: 'client-1', cpus: 2, memoryMb: 2048, powerState: 'poweredOn', annotation: 'made by a test', template: false });
    const props = await readOne(vim, ref, ['parent', 'network']);
    expect(val.ref(props.get('parent'))).toEqual(await findFolder(vim, dc, 'k8s'));
    expect(JSON.stringify(props.get('network'))).toContain('DistributedVirtualPortgroup');
  });

  it('turns SOAP and task faults into clear errors: a duplicate folder name, a template cloned without a pool', async () => {
    const dc = await findDatacenter(vim, 'DC0');
    const template = (await listVms(vim, dc)).find((v) => v.name === 'ubuntu-2404-template')!;
    const dup = await vim.write('CreateFolder', dc.vmFolder, '<name>k8s</name>').catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(VimFault);
    expect((dup as VimFault).faultType).toBe('DuplicateName');
    expect((dup as VimFault).message).toBe(`an object named 'k8s' already exists in Folder:${dc.vmFolder.value} (DuplicateName)`);
    const noPool = await cloneVm(vim, template.ref, 'nopool', { folder: dc.vmFolder }).catch((e: unknown) => e);
    expect((noPool as VimFault).message).toBe('invalid argument spec.location.pool (InvalidArgument)');
  });

  it('refuses a write through a read-only client (check mode) before sending anything', async () => {
    const reader = new VimClient({ get: (path, opts) => vc.http.get(path, opts), read: (r) => vc.http.read(r) });
    expect(reader.canWrite).toBe(false);
    const before = vc.calls.length;
    await expect(reader.write('PowerOnVM_Task', { type: 'VirtualMachine', value: 'vm-1' })).rejects.toThrow('may only read');
    expect(vc.calls.length).toBe(before);
  });
});
