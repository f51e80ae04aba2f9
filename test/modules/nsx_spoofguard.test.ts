/**
 * nsx_spoofguard against the NSX Policy API emulator over the real HTTP
 * connection: address bindings for the VIP and the MetalLB range on node
 * ports (existing bindings kept, warning in check too, rerun sends nothing,
 * 512 limit), and the profile mode (profile + segment binding map).
 */
import { describe, expect, it } from 'vitest';
import nsxSpoofguard from '../../src/modules/nsx_spoofguard.js';
import { InvalidParams, validateParams } from '../helpers/module-harness.js';
import { runNsxModule, startNsxLab, type NsxLab } from '../helpers/nsx-harness.js';

const SEG = '/infra/segments/k8s-seg';
const MACS = { 'cp-1': '00:50:56:00:00:01', 'cp-2': '00:50:56:00:00:02', 'worker-1': '00:50:56:00:00:21' };

/** a segment with the nodes' ports, as vCenter would have attached them; cp-1 already has its node IP bound */
function seed(lab: NsxLab): void {
  lab.nsx.state.patch(SEG, { resource_type: 'Segment', display_name: 'k8s-seg', subnets: [{ gateway_address: '10.1.1.1/24' }] });
  lab.nsx.state.patch(`${SEG}/ports/p-cp-1`, { resource_type: 'SegmentPort', display_name: 'cp-1.vmx@50e1', attachment: { id: 'vif-1' }, address_bindings: [{ ip_address: '10.1.1.11', mac_address: MACS['cp-1'] }] });
  lab.nsx.state.patch(`${SEG}/ports/p-cp-2`, { resource_type: 'SegmentPort', display_name: 'cp-2.vmx@50e2', attachment: { id: 'vif-2' } });
  lab.nsx.state.patch(`${SEG}/ports/p-w-1`, { resource_type: 'SegmentPort', display_name: 'worker-1.vmx@50e3', attachment: { id: 'vif-3' } });
  lab.nsx.state.patch(`${SEG}/ports/p-other`, { resource_type: 'SegmentPort', display_name: 'other-vm.vmx@50e4', attachment: { id: 'vif-4' } });
}

const BINDINGS = { segment: 'k8s-seg', mode: 'bindings', addresses: ['10.1.1.5', '10.1.1.200-10.1.1.203'], ports: ['cp-1', 'cp-2', 'worker-1'], macs: { 'cp-2': MACS['cp-2'], 'worker-1': MACS['worker-1'] } };
const bound = (lab: NsxLab, port: string) => (lab.nsx.state.get(`${SEG}/ports/${port}`)?.['address_bindings'] as { ip_address: string; mac_address: string }[] | undefined) ?? [];

describe('nsx_spoofguard bindings', () => {
  it('check warns and writes nothing; the run adds the VIP and range with each port\'s MAC, keeping what was there; a rerun sends nothing', async () => {
    const lab = await startNsxLab({ pageSize: 2 });
    seed(lab);
    const check = await runNsxModule(lab.conn, nsxSpoofguard, BINDINGS, { check: true });
    expect(lab.nsx.writeCount()).toBe(0);
    expect(check.plan.summary).toBe('add 15 address bindings on 3 ports of k8s-seg');
    expect(check.warnings).toHaveLength(3);
    expect(check.warnings[0]).toMatch(/port cp-1 \(p-cp-1\): adding 5 address bindings \(10\.1\.1\.5, 10\.1\.1\.200, .*\); NSX documents that address bindings cannot be removed after realization/);

    const run = await runNsxModule(lab.conn, nsxSpoofguard, BINDINGS);
    expect(run.changed).toBe(true);
    expect(lab.nsx.requests.filter((r) => r.method === 'PATCH').map((r) => `${r.path} ${r.status}`)).toEqual(['/policy/api/v1/infra 200']);
    expect(bound(lab, 'p-cp-1').map((b) => b.ip_address)).toEqual(['10.1.1.11', '10.1.1.5', '10.1.1.200', '10.1.1.201', '10.1.1.202', '10.1.1.203']);
    expect(new Set(bound(lab, 'p-cp-1').map((b) => b.mac_address))).toEqual(new Set([MACS['cp-1']]));
    expect(bound(lab, 'p-w-1').every((b) => b.mac_address === MACS['worker-1'])).toBe(true);
    expect(lab.nsx.state.get(`${SEG}/ports/p-w-1`)?.['attachment']).toEqual({ id: 'vif-3' });
    expect(bound(lab, 'p-other')).toEqual([]);

    lab.nsx.clearLog();
    const again = await runNsxModule(lab.conn, nsxSpoofguard, BINDINGS);
    expect(again.changed).toBe(false);
    expect(again.warnings).toEqual([]);
    expect(lab.nsx.writeCount()).toBe(0);
  });

  it('ports found by VM name through the Manager inventory (VM → VIF → attachment), with the NIC\'s MAC', async () => {
    const lab = await startNsxLab({ pageSize: 2 });
    seed(lab);
    lab.nsx.inventory.addVm({ displayName: 'k8s-cp-1', nics: [{ mac: '00:50:56:AB:00:01', segment: 'k8s-seg', port: 'vm-port-1' }] });
    lab.nsx.inventory.addVm({ displayName: 'k8s-cp-10', nics: [{ mac: '00:50:56:ab:00:10', segment: 'k8s-seg', port: 'vm-port-10' }] });
    const p = { segment: 'k8s-seg', mode: 'bindings', addresses: ['10.1.1.5'], ports: ['k8s-cp-1'] };
    const run = await runNsxModule(lab.conn, nsxSpoofguard, p);
    expect(run.result['ports']).toEqual([{ port: 'vm-port-1', name: 'k8s-cp-1', mac: '00:50:56:ab:00:01', added: ['10.1.1.5'], bindings: 1 }]);
    expect(bound(lab, 'vm-port-1')).toEqual([{ ip_address: '10.1.1.5', mac_address: '00:50:56:ab:00:01' }]);
    expect(bound(lab, 'vm-port-10')).toEqual([]);
    expect((await runNsxModule(lab.conn, nsxSpoofguard, p)).changed).toBe(false);
  });

  it('range_as: subnets binds the fewest CIDRs covering the range', async () => {
    const lab = await startNsxLab();
    seed(lab);
    await runNsxModule(lab.conn, nsxSpoofguard, { ...BINDINGS, ports: ['cp-1'], addresses: ['10.1.1.200-10.1.1.220'], range_as: 'subnets' });
    expect(bound(lab, 'p-cp-1').map((b) => b.ip_address)).toEqual(['10.1.1.11', '10.1.1.200/29', '10.1.1.208/29', '10.1.1.216/30', '10.1.1.220/32']);
  });

  it('a port changed between read and write (412): read again, keep its new binding', async () => {
    const lab = await startNsxLab();
    seed(lab);
    const run = await runNsxModule(lab.conn, nsxSpoofguard, { ...BINDINGS, ports: ['cp-2'] }, {
      beforeApply: () => lab.nsx.state.patch(`${SEG}/ports/p-cp-2`, { address_bindings: [{ ip_address: '10.1.1.12', mac_address: MACS['cp-2'] }] }),
    });
    expect(run.result['conflict_retries']).toBe(1);
    expect(bound(lab, 'p-cp-2').map((b) => b.ip_address)).toEqual(['10.1.1.12', '10.1.1.5', '10.1.1.200', '10.1.1.201', '10.1.1.202', '10.1.1.203']);
  });

  it.each([
    { name: 'a port no name matches', params: { ports: ['cp-9'] }, msg: /no port of segment k8s-seg matches "cp-9".*cp-1\.vmx@50e1/ },
    { name: 'a port whose MAC is unknown', params: { macs: {} }, msg: /cannot tell the MAC of port cp-2\.vmx@50e2.*give it in macs/ },
    { name: 'more than 512 bindings', params: { ports: ['cp-1'], addresses: ['10.2.0.0-10.2.2.0'] }, msg: /holds 513 addresses, more than the 512 bindings a port allows; use range_as: subnets/ },
    { name: '512 addresses and the one bound already', params: { ports: ['cp-1'], addresses: ['10.2.0.0-10.2.1.254', '10.3.0.1'] }, msg: /port cp-1\.vmx@50e1 would hold 513 address bindings, more than NSX's 512/ },
    { name: 'a missing segment', params: { segment: 'nope' }, msg: /segment nope does not exist/ },
  ])('$name: fails before writing', async ({ params, msg }) => {
    const lab = await startNsxLab();
    seed(lab);
    await expect(runNsxModule(lab.conn, nsxSpoofguard, { ...BINDINGS, ...params })).rejects.toThrow(msg);
    expect(lab.nsx.writeCount()).toBe(0);
  });
});

describe('nsx_spoofguard profile', () => {
  const PROFILE = { segment: 'k8s-seg', mode: 'profile', profile_id: 'k8s-spoofguard' };
  it('creates the profile and binds it to the segment; rerun sends nothing; turning the allow-list on is a warned change', async () => {
    const lab = await startNsxLab();
    seed(lab);
    const check = await runNsxModule(lab.conn, nsxSpoofguard, PROFILE, { check: true });
    expect(check.plan.summary).toBe('create spoofguard profile k8s-spoofguard; create segment k8s-seg binding map default');
    expect(lab.nsx.writeCount()).toBe(0);
    await runNsxModule(lab.conn, nsxSpoofguard, PROFILE);
    expect(lab.nsx.state.get('/infra/spoofguard-profiles/k8s-spoofguard')).toMatchObject({ address_binding_allowlist: false });
    expect(lab.nsx.state.get(`${SEG}/segment-security-profile-binding-maps/default`)).toMatchObject({ spoofguard_profile_path: '/infra/spoofguard-profiles/k8s-spoofguard' });
    lab.nsx.clearLog();
    expect((await runNsxModule(lab.conn, nsxSpoofguard, PROFILE)).changed).toBe(false);
    expect(lab.nsx.writeCount()).toBe(0);

    const on = await runNsxModule(lab.conn, nsxSpoofguard, { ...PROFILE, allowlist: true });
    expect(on.plan.diff).toEqual([{ label: 'spoofguard profile k8s-spoofguard', before: { address_binding_allowlist: false }, after: { address_binding_allowlist: true } }]);
    expect(on.warnings.join()).toMatch(/turns SpoofGuard on for k8s-seg/);
  });

  it('an existing binding map of the segment is updated in place, keeping its segment security profile', async () => {
    const lab = await startNsxLab();
    seed(lab);
    lab.nsx.state.patch(`${SEG}/segment-security-profile-binding-maps/sec`, {
      resource_type: 'SegmentSecurityProfileBindingMap',
      spoofguard_profile_path: '/infra/spoofguard-profiles/default-spoofguard-profile',
      segment_security_profile_path: '/infra/segment-security-profiles/default-segment-security-profile',
    });
    await runNsxModule(lab.conn, nsxSpoofguard, PROFILE);
    expect(lab.nsx.state.get(`${SEG}/segment-security-profile-binding-maps/sec`)).toMatchObject({
      spoofguard_profile_path: '/infra/spoofguard-profiles/k8s-spoofguard',
      segment_security_profile_path: '/infra/segment-security-profiles/default-segment-security-profile',
    });
    expect(lab.nsx.state.get(`${SEG}/segment-security-profile-binding-maps/default`)).toBeUndefined();
  });
});

describe('nsx_spoofguard parameters', () => {
  it.each([
    [{ segment: 's', mode: 'bindings', ports: ['a'] }],
    [{ segment: 's', mode: 'bindings', addresses: ['10.0.0.1'] }],
    [{ segment: 's', mode: 'off' }],
    [{ segment: 's', mode: 'bindings', addresses: ['10.0.0.1'], ports: ['a'], macs: { a: 'zz:00' } }],
    [{ segment: 's', mode: 'profile', bogus: 1 }],
  ])('rejects %j', (params) => expect(() => validateParams(nsxSpoofguard, params)).toThrow(InvalidParams));
});
