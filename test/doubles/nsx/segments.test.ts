/** Segments, ports with address bindings, SpoofGuard profiles and the two security-profile binding maps. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startNsxEmulator, type NsxEmulator } from './index.js';
import { testClient, type TestClient } from './test-client.js';

let nsx: NsxEmulator;
let api: TestClient;
beforeEach(async () => {
  nsx = await startNsxEmulator({ users: { admin: 'pw' } });
  api = testClient(nsx);
  nsx.state.patch('/infra/segments/k8s', { transport_zone_path: '/infra/sites/default/enforcement-points/default/transport-zones/tz', subnets: [{ gateway_address: '10.1.1.1/24' }] });
  nsx.state.patch('/infra/segments/k8s/ports/cp1', { attachment: { id: 'vif-cp1', type: 'INDEPENDENT' } });
});
afterEach(() => nsx.close());

const PORT = '/infra/segments/k8s/ports/cp1';
const VIP = { ip_address: '10.1.1.50', mac_address: '00:50:56:aa:bb:cc', vlan_id: 0 };
const LB = { ip_address: '10.1.1.60', mac_address: '00:50:56:aa:bb:cc', vlan_id: 0 };

describe('segment ports and address bindings', () => {
  it('adds bindings; PATCH keeps the attachment; the port lists under its segment', async () => {
    expect((await api.patch(PORT, { address_bindings: [VIP] })).status).toBe(200);
    const port = (await api.get(PORT)).body;
    expect(port).toMatchObject({ resource_type: 'SegmentPort', address_bindings: [VIP], attachment: { id: 'vif-cp1' }, parent_path: '/infra/segments/k8s', _revision: 1 });
    const list = (await api.get('/infra/segments/k8s/ports')).body;
    expect(list.results.map((p: { id: string }) => p.id)).toEqual(['cp1']);
    expect((await api.get('/infra/segments/k8s')).body).toMatchObject({ subnets: [{ gateway_address: '10.1.1.1/24' }], admin_state: 'UP' });
  });

  it('bindings cannot be removed after realization: dropping one is 400, keeping all and adding is fine', async () => {
    await api.patch(PORT, { address_bindings: [VIP] });
    const drop = await api.patch(PORT, { address_bindings: [LB] });
    expect(drop.status).toBe(400);
    expect(drop.body.error_message).toMatch(/cannot be removed after realization/);
    expect((await api.patch(PORT, { address_bindings: [] })).status).toBe(400);
    // a different case of the same MAC is the same binding
    expect((await api.patch(PORT, { address_bindings: [{ ...VIP, mac_address: VIP.mac_address.toUpperCase() }, LB] })).status).toBe(200);
    expect((await api.get(PORT)).body.address_bindings).toHaveLength(2);
  });

  it('with bindingsRealized: false, bindings can be removed', async () => {
    const other = await startNsxEmulator({ users: { admin: 'pw' }, bindingsRealized: false });
    try {
      other.state.patch('/infra/segments/s', {});
      other.state.patch('/infra/segments/s/ports/p', { address_bindings: [VIP] });
      other.state.patch('/infra/segments/s/ports/p', { address_bindings: [] });
      expect(other.state.get('/infra/segments/s/ports/p')?.['address_bindings']).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('512 bindings are accepted, 513 are not', async () => {
    const many = Array.from({ length: 512 }, (_, i) => ({ ip_address: `10.2.${Math.floor(i / 256)}.${i % 256}` }));
    expect((await api.patch(PORT, { address_bindings: many })).status).toBe(200);
    expect((await api.patch(PORT, { address_bindings: [...many, { ip_address: '10.3.0.1' }] })).status).toBe(400);
  });

  it('an IPv4 or IPv6 subnet is accepted as a binding', async () => {
    expect((await api.patch(PORT, { address_bindings: [{ ip_address: '10.1.1.64/28' }, { ip_address: '2001::/64' }] })).status).toBe(200);
  });

  it('deleting a port deletes its binding maps; the segment can go once its ports are gone', async () => {
    await api.patch(`${PORT}/port-security-profile-binding-maps/m`, { spoofguard_profile_path: '/infra/spoofguard-profiles/default-spoofguard-profile' });
    expect((await api.del(PORT)).status).toBe(200);
    expect(nsx.state.paths().filter((p) => p.startsWith(PORT))).toEqual([]);
    expect((await api.del('/infra/segments/k8s')).status).toBe(200);
  });
});

describe('SpoofGuard profiles and binding maps', () => {
  it('creates a profile with the allowlist on and binds it to the segment and to a port', async () => {
    expect((await api.patch('/infra/spoofguard-profiles/sg-on', { address_binding_allowlist: true })).status).toBe(200);
    expect((await api.get('/infra/spoofguard-profiles/sg-on')).body).toMatchObject({ resource_type: 'SpoofGuardProfile', address_binding_allowlist: true, _revision: 0 });
    const seg = await api.put('/infra/segments/k8s/segment-security-profile-binding-maps/map1', {
      resource_type: 'SegmentSecurityProfileBindingMap',
      spoofguard_profile_path: '/infra/spoofguard-profiles/sg-on',
      segment_security_profile_path: '/infra/segment-security-profiles/default-segment-security-profile',
    });
    expect(seg.status).toBe(200);
    expect(seg.body).toMatchObject({ parent_path: '/infra/segments/k8s', spoofguard_profile_path: '/infra/spoofguard-profiles/sg-on' });
    const port = await api.patch(`${PORT}/port-security-profile-binding-maps/pmap`, { spoofguard_profile_path: '/infra/spoofguard-profiles/sg-on' });
    expect(port.status).toBe(200);
    expect((await api.get(`${PORT}/port-security-profile-binding-maps`)).body.result_count).toBe(1);
  });

  it.each([
    { name: 'a segment profile path in spoofguard_profile_path', body: { spoofguard_profile_path: '/infra/segment-security-profiles/default-segment-security-profile' } },
    { name: 'a missing segment security profile', body: { segment_security_profile_path: '/infra/segment-security-profiles/none' } },
    { name: 'an unknown field', body: { spoofguard_profile: '/infra/spoofguard-profiles/default-spoofguard-profile' } },
    { name: 'the wrong resource_type', body: { resource_type: 'PortSecurityProfileBindingMap' } },
  ])('a segment binding map with $name is 400', async ({ body }) => {
    expect((await api.patch('/infra/segments/k8s/segment-security-profile-binding-maps/m', body)).status).toBe(400);
  });
});

describe('fabric lookups (VM → VIF → segment port)', () => {
  it('finds a VM by name, its VIFs by owner, and the port whose attachment.id matches', async () => {
    const [vif] = nsx.inventory.addVm({ displayName: 'cp-1', externalId: 'vm-cp-1', nics: [{ mac: '00:50:56:AA:BB:01', segment: 'k8s', port: 'cp-1-port' }] });
    nsx.inventory.addVm({ displayName: 'wk-1', nics: [{ mac: '00:50:56:aa:bb:02' }] });
    const vms = await api.raw('GET', '/api/v1/fabric/virtual-machines?display_name=cp-1');
    expect(vms.status).toBe(200);
    expect(vms.body).toMatchObject({ result_count: 1, results: [{ display_name: 'cp-1', external_id: 'vm-cp-1' }] });
    const vifs = await api.raw('GET', '/api/v1/fabric/vifs?owner_vm_id=vm-cp-1');
    expect(vifs.body.results).toEqual([expect.objectContaining({ mac_address: '00:50:56:aa:bb:01', lport_attachment_id: vif!['lport_attachment_id'] })]);
    const ports = (await api.get('/infra/segments/k8s/ports')).body.results as Array<{ id: string; attachment?: { id: string } }>;
    expect(ports.find((p) => p.attachment?.id === vifs.body.results[0].lport_attachment_id)?.id).toBe('cp-1-port');
    expect((await api.raw('GET', '/api/v1/fabric/virtual-machines')).body.result_count).toBe(2);
    expect((await api.raw('GET', '/api/v1/fabric/vifs?owner=x')).status).toBe(400);
    expect((await testClient(nsx, {}).raw('GET', '/api/v1/fabric/vifs')).status).toBe(403);
  });
});
