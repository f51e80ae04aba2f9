import { describe, expect, it } from 'vitest';
import { AddressError, bindingAddresses, expandRange, rangeToCidrs } from '../../../../src/modules/support/nsx/addresses.js';
import { MAX_BINDINGS, planPortBindings, planProfile, portMac, selectPorts, SpoofGuardPlanError } from '../../../../src/modules/support/nsx/spoofguard-plan.js';

describe('ranges', () => {
  it.each([
    ['10.1.1.200-10.1.1.220', ['10.1.1.200/29', '10.1.1.208/29', '10.1.1.216/30', '10.1.1.220/32']],
    ['10.1.1.0-10.1.1.255', ['10.1.1.0/24']],
    ['10.1.1.5-10.1.1.5', ['10.1.1.5/32']],
    ['10.1.1.255-10.1.2.0', ['10.1.1.255/32', '10.1.2.0/32']],
  ])('%s as subnets', (range, want) => expect(rangeToCidrs(range)).toEqual(want));
  it('expands a range to its addresses', () => expect(expandRange('10.1.1.254-10.1.2.1', 10)).toEqual(['10.1.1.254', '10.1.1.255', '10.1.2.0', '10.1.2.1']));
  it.each([['10.1.1.9-10.1.1.1', /ends before it starts/], ['10.1.1.0-10.1.3.0', /more than the 10 bindings/], ['10.1.1-10.1.1.3', /not an IPv4 address/]])('refuses %s', (r, msg) => {
    expect(() => expandRange(r, 10)).toThrow(AddressError);
    expect(() => expandRange(r, 10)).toThrow(msg);
  });
  it('VIP and range together, duplicates dropped', () => expect(bindingAddresses(['10.1.1.5', '10.1.1.4-10.1.1.6'], 'ips', 512)).toEqual(['10.1.1.5', '10.1.1.4', '10.1.1.6']));
});

const MAC = '00:50:56:aa:bb:01';
const port = (id: string, display: string, bindings: { ip_address: string; mac_address: string }[] = []) => ({
  resource_type: 'SegmentPort',
  id,
  display_name: display,
  attachment: { id: `att-${id}` },
  address_bindings: bindings,
  _revision: 4,
  path: `/infra/segments/s/ports/${id}`,
});
const ports = [port('p1', 'cp-1.vmx@1234', [{ ip_address: '10.1.1.11', mac_address: MAC }]), port('p2', 'cp-2/eth0'), port('p3', 'worker-1')];

const noVm = async () => [];

describe('ports', () => {
  it.each([
    { names: ['cp-1'], want: ['p1'] },
    { names: ['cp-2'], want: ['p2'] },
    { names: ['worker-1', 'p1'], want: ['p3', 'p1'] },
    { names: ['p1', 'cp-1'], want: ['p1'] },
  ])('$names → $want', async ({ names, want }) => expect((await selectPorts(ports, names, 's', noVm)).map((x) => x.port['id'])).toEqual(want));
  it('a name no port answers to is refused, listing the ports', () => expect(selectPorts(ports, ['cp-3'], 's', noVm)).rejects.toThrow(/no port of segment s matches "cp-3".*cp-1.vmx@1234, cp-2\/eth0, worker-1/));
  it('a prefix is not a VM name', () => expect(selectPorts(ports, ['cp'], 's', noVm)).rejects.toThrow(SpoofGuardPlanError));
  it('a name no port answers to is looked up as a VM, whose NIC gives the MAC', async () => {
    const sel = await selectPorts(ports, ['vm-x'], 's', async (n) => (n === 'vm-x' ? [{ port: ports[2]!, mac: '00:50:56:aa:bb:03' }] : []));
    expect(sel).toEqual([{ name: 'vm-x', port: ports[2], vifMac: '00:50:56:aa:bb:03' }]);
    expect(portMac(ports[2]!, 'vm-x', {}, sel[0]!.vifMac)).toBe('00:50:56:aa:bb:03');
  });

  it.each<{ name: string; port: Record<string, unknown>; as: string; macs: Record<string, string>; want: string }>([
    { name: 'from macs by VM name', port: ports[1]!, as: 'cp-2', macs: { 'cp-2': '00-50-56-AA-BB-02' }, want: '00:50:56:aa:bb:02' },
    { name: 'from macs by port id', port: ports[1]!, as: 'cp-2', macs: { p2: '00:50:56:aa:bb:02' }, want: '00:50:56:aa:bb:02' },
    { name: 'from the existing bindings', port: ports[0]!, as: 'cp-1', macs: {}, want: MAC },
  ])('MAC $name', ({ port: p, as, macs, want }) => expect(portMac(p, as, macs)).toBe(want));
  it('no MAC known: refused, saying how to give it', () => expect(() => portMac(ports[2]!, 'worker-1', {})).toThrow(/cannot tell the MAC of port worker-1: it has no address bindings.*macs: \{worker-1:/));
});

describe('planPortBindings', () => {
  it('adds what is missing, keeps what is there, sends the whole port with its _revision', () => {
    const plan = planPortBindings(ports[0]!, 'cp-1', MAC, ['10.1.1.11', '10.1.1.5']);
    expect(plan.add).toEqual([{ ip_address: '10.1.1.5', mac_address: MAC }]);
    expect(plan.after).toEqual([{ ip_address: '10.1.1.11', mac_address: MAC }, { ip_address: '10.1.1.5', mac_address: MAC }]);
    expect(plan.write).toEqual({ resource_type: 'SegmentPort', id: 'p1', display_name: 'cp-1.vmx@1234', attachment: { id: 'att-p1' }, address_bindings: plan.after, _revision: 4 });
  });
  it('nothing missing: nothing to write', () => {
    const plan = planPortBindings(ports[0]!, 'cp-1', MAC, ['10.1.1.11']);
    expect(plan.add).toEqual([]);
    expect(plan.write).toBeNull();
  });
  it('the same IP with another MAC is still missing', () => expect(planPortBindings(ports[0]!, 'cp-1', '00:50:56:aa:bb:99', ['10.1.1.11']).add).toHaveLength(1));
  it(`more than ${MAX_BINDINGS} bindings are refused`, () => {
    const many = bindingAddresses(['10.2.0.0-10.2.1.255'], 'ips', 1000);
    expect(() => planPortBindings(ports[0]!, 'cp-1', MAC, many)).toThrow(/would hold 513 address bindings, more than NSX's 512/);
  });
});

describe('planProfile', () => {
  const w = { segment: 's', profileId: 'sg', allowlist: false, mapId: 'default' };
  it('creates profile and binding map', () => {
    const plan = planProfile(w, null, null);
    expect(plan.body).toEqual({
      resource_type: 'Infra',
      children: [
        { resource_type: 'ChildSpoofGuardProfile', SpoofGuardProfile: { resource_type: 'SpoofGuardProfile', id: 'sg', display_name: 'sg', address_binding_allowlist: false } },
        { resource_type: 'ChildResourceReference', id: 's', target_type: 'Segment', children: [{ resource_type: 'ChildSegmentSecurityProfileBindingMap', SegmentSecurityProfileBindingMap: { resource_type: 'SegmentSecurityProfileBindingMap', id: 'default', spoofguard_profile_path: '/infra/spoofguard-profiles/sg' } }] },
      ],
    });
  });
  it('already in place: nothing', () => {
    const plan = planProfile(w, { id: 'sg', display_name: 'sg', resource_type: 'SpoofGuardProfile', address_binding_allowlist: false, _revision: 0 }, { id: 'default', resource_type: 'SegmentSecurityProfileBindingMap', spoofguard_profile_path: '/infra/spoofguard-profiles/sg', segment_security_profile_path: '/infra/segment-security-profiles/default-segment-security-profile', _revision: 1 });
    expect(plan.body).toBeNull();
  });
  it('the segment bound to another profile: the map is updated, keeping its other fields and _revision', () => {
    const plan = planProfile(w, { id: 'sg', display_name: 'sg', resource_type: 'SpoofGuardProfile', address_binding_allowlist: false }, { id: 'default', resource_type: 'SegmentSecurityProfileBindingMap', spoofguard_profile_path: '/infra/spoofguard-profiles/default-spoofguard-profile', segment_security_profile_path: '/infra/segment-security-profiles/x', _revision: 3 });
    expect(plan.profileChange).toBeNull();
    expect(plan.mapChange).toEqual({ fields: ['spoofguard_profile_path'], before: { spoofguard_profile_path: '/infra/spoofguard-profiles/default-spoofguard-profile' }, after: { spoofguard_profile_path: '/infra/spoofguard-profiles/sg' } });
    expect(JSON.stringify(plan.body)).toContain('"segment_security_profile_path":"/infra/segment-security-profiles/x","_revision":3');
  });
});
