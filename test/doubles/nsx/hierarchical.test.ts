/** Hierarchical PATCH /policy/api/v1/infra: Child* wrappers, atomicity, marked_for_delete, references, revisions. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startNsxEmulator, type NsxEmulator } from './index.js';
import { testClient, type TestClient } from './test-client.js';

let nsx: NsxEmulator;
let api: TestClient;
beforeEach(async () => {
  nsx = await startNsxEmulator({ users: { admin: 'pw' } });
  api = testClient(nsx);
});
afterEach(() => nsx.close());

const G = '/infra/domains/default/groups';
const P = '/infra/domains/default/security-policies';

type Json = Record<string, unknown>;
const infra = (...children: Json[]): Json => ({ resource_type: 'Infra', children });
const domain = (children: Json[], extra: Json = {}): Json => ({
  resource_type: 'ChildDomain', Domain: { id: 'default', resource_type: 'Domain', children, ...extra },
});
const domainRef = (children: Json[]): Json => ({ resource_type: 'ChildResourceReference', id: 'default', target_type: 'Domain', children });
const group = (id: string, extra: Json = {}, wrapper: Json = {}): Json => ({
  resource_type: 'ChildGroup', ...wrapper,
  Group: { id, resource_type: 'Group', expression: [{ resource_type: 'IPAddressExpression', ip_addresses: ['10.0.0.1'] }], ...extra },
});
const policy = (id: string, rules: Json[], extra: Json = {}, wrapper: Json = {}): Json => ({
  resource_type: 'ChildSecurityPolicy', ...wrapper,
  SecurityPolicy: { id, resource_type: 'SecurityPolicy', category: 'Infrastructure', children: rules, ...extra },
});
const rule = (id: string, extra: Json = {}, wrapper: Json = {}): Json => ({
  resource_type: 'ChildRule', ...wrapper, Rule: { id, resource_type: 'Rule', action: 'ALLOW', ...extra },
});

describe('hierarchical PATCH', () => {
  it('creates groups, a service and a policy whose rules refer to them, in one request', async () => {
    const r = await api.patch('/infra', infra(
      { resource_type: 'ChildService', Service: { id: 'k8s-api', resource_type: 'Service', service_entries: [
        { resource_type: 'L4PortSetServiceEntry', id: 'tcp-6443', l4_protocol: 'TCP', destination_ports: ['6443'] }] } },
      domain([
        group('nodes'),
        policy('k8s', [rule('api', { source_groups: [`${G}/nodes`], destination_groups: [`${G}/nodes`], services: ['/infra/services/k8s-api'] })]),
      ]),
    ));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toBeUndefined();
    expect(nsx.state.get(`${G}/nodes`)).toMatchObject({ _revision: 0, resource_type: 'Group' });
    expect(nsx.state.get(`${P}/k8s/rules/api`)).toMatchObject({ services: ['/infra/services/k8s-api'], parent_path: `${P}/k8s` });
    expect(nsx.state.get('/infra/services/k8s-api/service-entries/tcp-6443')).toMatchObject({ l4_protocol: 'TCP' });
    // the domain was PATCHed through ChildDomain, so its revision moved
    expect(nsx.state.get('/infra/domains/default')?.['_revision']).toBe(1);
  });

  it('ChildResourceReference walks through the domain without updating it', async () => {
    expect((await api.patch('/infra', infra(domainRef([group('g')])))).status).toBe(200);
    expect(nsx.state.get('/infra/domains/default')?.['_revision']).toBe(0);
    expect(nsx.state.get(`${G}/g`)).toBeDefined();
  });

  it('ChildResourceReference to a missing node is 404 and changes nothing', async () => {
    const before = nsx.state.snapshot();
    const r = await api.patch('/infra', infra({ resource_type: 'ChildResourceReference', id: 'nope', target_type: 'Domain', children: [group('g')] }));
    expect(r.status).toBe(404);
    expect(nsx.state.snapshot()).toBe(before);
  });

  it('embedded rules and ChildRule both work inside a policy', async () => {
    const r = await api.patch('/infra', infra(domainRef([
      policy('p', [rule('child')], { rules: [{ id: 'embedded', action: 'DROP' }] }),
    ])));
    expect(r.status).toBe(200);
    const p = (await api.get(`${P}/p`)).body;
    expect(p.rules.map((x: Json) => x['id']).sort()).toEqual(['child', 'embedded']);
  });

  it('marked_for_delete deletes a rule, and a policy with its whole subtree', async () => {
    await api.patch('/infra', infra(domainRef([policy('p', [rule('a'), rule('b')])])));
    await api.patch('/infra', infra(domainRef([policy('p', [rule('a', {}, { marked_for_delete: true })])])));
    expect(nsx.state.get(`${P}/p/rules/a`)).toBeUndefined();
    expect(nsx.state.get(`${P}/p/rules/b`)).toBeDefined();
    await api.patch('/infra', infra(domainRef([policy('p', [], {}, { marked_for_delete: true })])));
    expect(nsx.state.paths().filter((x) => x.startsWith(`${P}/p`))).toEqual([]);
  });

  it('marked_for_delete of something absent succeeds; the field inside the object is ignored (upsert)', async () => {
    await api.patch('/infra', infra(domainRef([policy('p', [])])));
    expect((await api.patch('/infra', infra(domainRef([policy('p', [rule('ghost', {}, { marked_for_delete: true })])])))).status).toBe(200);
    expect(nsx.state.get(`${P}/p/rules/ghost`)).toBeUndefined();
    expect((await api.patch('/infra', infra(domainRef([policy('p', [rule('inner', { marked_for_delete: true })])])))).status).toBe(200);
    expect(nsx.state.get(`${P}/p/rules/inner`)).toMatchObject({ marked_for_delete: false });
  });

  it('a group and the rule using it can be deleted in the same request, but not the group alone', async () => {
    await api.patch('/infra', infra(domainRef([group('g'), policy('p', [rule('r', { source_groups: [`${G}/g`] })])])));
    const alone = await api.patch('/infra', infra(domainRef([group('g', {}, { marked_for_delete: true })])));
    expect(alone.status).toBe(400);
    expect(alone.body.error_code).toBe(500030);
    const both = await api.patch('/infra', infra(domainRef([
      group('g', {}, { marked_for_delete: true }),
      policy('p', [rule('r', {}, { marked_for_delete: true })]),
    ])));
    expect(both.status).toBe(200);
    expect(nsx.state.get(`${G}/g`)).toBeUndefined();
  });

  it('is atomic: one bad child anywhere and nothing of the request is kept', async () => {
    await api.patch('/infra', infra(domainRef([group('keep')])));
    const before = nsx.state.snapshot();
    const cases: Json[] = [
      infra(domainRef([group('new1'), policy('p', [rule('r', { action: 'JUMP_TO_APPLICATION' })])])),
      infra(domainRef([group('new2'), group('keep', {}, { marked_for_delete: 'yes' })])),
      infra(domainRef([group('new3'), policy('p', [rule('r', { source_groups: [`${G}/missing`] })])])),
      infra(domainRef([group('new4'), group('bad', { colour: 'red' })])),
      infra(domainRef([group('new5')]), { resource_type: 'ChildService', Service: { id: 's', resource_type: 'Service', service_entries: [
        { resource_type: 'L4PortSetServiceEntry', id: 'e', l4_protocol: 'TCP', destination_ports: Array.from({ length: 16 }, (_, i) => String(i + 1)) }] } }),
    ];
    for (const body of cases) {
      const r = await api.patch('/infra', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(nsx.state.snapshot()).toBe(before);
    }
  });

  it.each([
    { name: 'unknown wrapper type', body: infra({ resource_type: 'ChildTier1', Tier1: { id: 't' } }) },
    { name: 'wrapper in the wrong place (ChildGroup under Infra)', body: infra(group('g')) },
    { name: 'ChildRule directly under a domain', body: infra(domainRef([rule('r')])) },
    { name: 'wrapper without its object', body: infra({ resource_type: 'ChildGroup' }) },
    { name: 'object without id', body: infra(domainRef([{ resource_type: 'ChildGroup', Group: { resource_type: 'Group' } }])) },
    { name: 'unknown field on a wrapper', body: infra(domainRef([group('g', {}, { colour: 'red' })])) },
    { name: 'wrong resource_type of the root', body: { resource_type: 'Domain', children: [] } },
    { name: 'unknown field on the root', body: { resource_type: 'Infra', children: [], extra: 1 } },
    { name: 'children that is not an array', body: { resource_type: 'Infra', children: {} } },
  ])('rejects $name with 400', async ({ body }) => {
    const r = await api.patch('/infra', body);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error_message).toEqual(expect.any(String));
  });

  it('a stale _revision on any child is 412 and nothing is kept', async () => {
    await api.patch('/infra', infra(domainRef([group('g')])));
    const before = nsx.state.snapshot();
    const r = await api.patch('/infra', infra(domainRef([group('new'), group('g', { _revision: 7 })])));
    expect(r.status).toBe(412);
    expect(nsx.state.snapshot()).toBe(before);
  });

  describe('enforce_revision_check=true', () => {
    it('needs the current _revision on every existing child; new children need none', async () => {
      await api.patch('/infra', infra(domainRef([group('g')])));
      const q = 'enforce_revision_check=true';
      expect((await api.patch('/infra', infra(domainRef([group('g')])), q)).status).toBe(412);
      // ChildDomain updates the domain, so it needs the domain's _revision too
      expect((await api.patch('/infra', infra(domain([group('g', { _revision: 0 })])), q)).status).toBe(412);
      expect((await api.patch('/infra', infra(domainRef([group('g', { _revision: 0 }), group('fresh')])), q)).status).toBe(200);
      expect(nsx.state.get(`${G}/g`)?.['_revision']).toBe(1);
      expect((await api.patch('/infra', infra(domainRef([group('g')])), 'enforce_revision_check=false')).status).toBe(200);
      expect((await api.patch('/infra', infra(), 'enforce_revision_check=maybe')).status).toBe(400);
    });
  });

  it('serves the other wrappers: ChildServiceEntry, ChildSegment, ChildSegmentPort, binding maps, profiles', async () => {
    const r = await api.patch('/infra', infra(
      { resource_type: 'ChildSpoofGuardProfile', SpoofGuardProfile: { id: 'sg', resource_type: 'SpoofGuardProfile', address_binding_allowlist: true } },
      { resource_type: 'ChildResourceReference', id: 'SSH', target_type: 'Service', children: [] },
      { resource_type: 'ChildService', Service: { id: 'svc', resource_type: 'Service', children: [
        { resource_type: 'ChildServiceEntry', ServiceEntry: { id: 'e', resource_type: 'L4PortSetServiceEntry', l4_protocol: 'UDP', destination_ports: ['7946'] } }] } },
      { resource_type: 'ChildSegment', Segment: { id: 'seg', resource_type: 'Segment', children: [
        { resource_type: 'ChildSegmentSecurityProfileBindingMap', SegmentSecurityProfileBindingMap: {
          id: 'm', resource_type: 'SegmentSecurityProfileBindingMap', spoofguard_profile_path: '/infra/spoofguard-profiles/sg' } },
        { resource_type: 'ChildSegmentPort', SegmentPort: { id: 'p', resource_type: 'SegmentPort', address_bindings: [{ ip_address: '10.1.1.50' }], children: [
          { resource_type: 'ChildPortSecurityProfileBindingMap', PortSecurityProfileBindingMap: {
            id: 'pm', resource_type: 'PortSecurityProfileBindingMap', spoofguard_profile_path: '/infra/spoofguard-profiles/sg' } }] } }] } },
    ));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(nsx.state.get('/infra/services/svc')?.['service_entries']).toHaveLength(1);
    expect(nsx.state.get('/infra/segments/seg/ports/p/port-security-profile-binding-maps/pm')).toBeDefined();
    expect(nsx.state.get('/infra/segments/seg/segment-security-profile-binding-maps/m')).toBeDefined();
    // the realized binding cannot be dropped through the hierarchical API either
    const drop = await api.patch('/infra', infra({ resource_type: 'ChildResourceReference', id: 'seg', target_type: 'Segment', children: [
      { resource_type: 'ChildSegmentPort', SegmentPort: { id: 'p', resource_type: 'SegmentPort', address_bindings: [] } }] }));
    expect(drop.status).toBe(400);
  });

  it('state.patchInfra applies the same rules without HTTP', () => {
    nsx.state.patchInfra(infra(domainRef([group('direct')])));
    expect(nsx.state.get(`${G}/direct`)).toBeDefined();
    expect(() => nsx.state.patchInfra(infra(domainRef([group('direct')])), { enforceRevisionCheck: true })).toThrow(/_revision/);
    expect(nsx.writeCount()).toBe(0);
  });
});
