/** The emulator's object model: CRUD, server-managed fields, _revision and 412, embedded rules, built-ins. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNsxEmulator, type NsxEmulator } from './index.js';
import { testClient, type TestClient } from './test-client.js';

let nsx: NsxEmulator;
let api: TestClient;
beforeAll(async () => {
  nsx = await startNsxEmulator({ users: { admin: 'pw' } });
  api = testClient(nsx);
});
afterAll(() => nsx.close());

const G = '/infra/domains/default/groups';
const P = '/infra/domains/default/security-policies';

describe('groups', () => {
  it('PATCH creates with server-managed fields, GET reads, revision counts changes', async () => {
    const body = { expression: [{ resource_type: 'IPAddressExpression', ip_addresses: ['10.1.1.10', '10.1.1.0/24', '10.1.1.20-10.1.1.30'] }] };
    const created = await api.patch(`${G}/nodes`, body);
    expect(created.status).toBe(200);
    expect(created.body).toBeUndefined();
    const got = await api.get(`${G}/nodes`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: 'nodes', display_name: 'nodes', resource_type: 'Group', path: `${G}/nodes`,
      parent_path: '/infra/domains/default', relative_path: 'nodes', marked_for_delete: false,
      _revision: 0, _create_user: 'admin', _last_modified_user: 'admin', _system_owned: false, _protection: 'NOT_PROTECTED',
    });
    expect(typeof got.body._create_time).toBe('number');
    expect(got.body.expression[0]).toMatchObject({ resource_type: 'IPAddressExpression', ip_addresses: body.expression[0]!.ip_addresses });
    expect(typeof got.body.expression[0].id).toBe('string');
    await api.patch(`${G}/nodes`, { display_name: 'k8s nodes' });
    const again = await api.get(`${G}/nodes`);
    expect(again.body._revision).toBe(1);
    // PATCH merges top-level fields of a group: the expression stays
    expect(again.body.display_name).toBe('k8s nodes');
    expect(again.body.expression).toHaveLength(1);
  });

  it('GET of a missing object is 404 with the documented error body', async () => {
    const r = await api.get(`${G}/missing`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({
      httpStatus: 'NOT_FOUND', error_code: 600, module_name: 'policy',
      error_message: `The path=[${G}/missing] is invalid.`, related_errors: [],
    });
  });

  it('PATCH with a stale _revision is 412; with the current one it succeeds', async () => {
    await api.patch(`${G}/rev`, { expression: [] });
    expect((await api.patch(`${G}/rev`, { display_name: 'x', _revision: 5 })).status).toBe(412);
    expect((await api.patch(`${G}/rev`, { display_name: 'x', _revision: 0 })).status).toBe(200);
    expect(nsx.state.get(`${G}/rev`)?.['_revision']).toBe(1);
  });

  it('PUT needs the current _revision on an existing object (412 without or stale) and answers the object', async () => {
    await api.patch(`${G}/put`, {});
    expect((await api.put(`${G}/put`, { display_name: 'p' })).status).toBe(412);
    expect((await api.put(`${G}/put`, { display_name: 'p', _revision: 3 })).status).toBe(412);
    const ok = await api.put(`${G}/put`, { display_name: 'p', _revision: 0 });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ display_name: 'p', _revision: 1 });
    const created = await api.put(`${G}/put-new`, { display_name: 'new' });
    expect(created.status).toBe(200);
    expect(created.body._revision).toBe(0);
  });

  it('DELETE removes; deleting what does not exist is 200', async () => {
    await api.patch(`${G}/gone`, {});
    expect((await api.del(`${G}/gone`)).status).toBe(200);
    expect((await api.get(`${G}/gone`)).status).toBe(404);
    expect((await api.del(`${G}/gone`)).status).toBe(200);
  });
});

describe('security policies and rules', () => {
  it('embedded rules are created with the policy, get defaults, unique_id and rule_id, and come back sorted', async () => {
    await api.patch(`${G}/web`, {});
    const r = await api.patch(`${P}/k8s`, {
      category: 'Infrastructure',
      rules: [
        { id: 'b', sequence_number: 20, source_groups: ['ANY'], destination_groups: [`${G}/web`], services: ['/infra/services/HTTP'], action: 'ALLOW' },
        { id: 'a', sequence_number: 10, action: 'DROP' },
      ],
    });
    expect(r.status).toBe(200);
    const p = (await api.get(`${P}/k8s`)).body;
    expect(p).toMatchObject({ category: 'Infrastructure', stateful: true, rule_count: 2 });
    expect(p.rules.map((x: { id: string }) => x.id)).toEqual(['a', 'b']);
    expect(p.rules[0]).toMatchObject({
      resource_type: 'Rule', path: `${P}/k8s/rules/a`, parent_path: `${P}/k8s`, action: 'DROP',
      direction: 'IN_OUT', ip_protocol: 'IPV4_IPV6', source_groups: ['ANY'], services: ['ANY'], logged: false, _revision: 0,
    });
    expect(typeof p.rules[0].unique_id).toBe('string');
    expect(typeof p.rules[0].rule_id).toBe('number');
    expect((await api.get(`${P}/k8s/rules/b`)).body.destination_groups).toEqual([`${G}/web`]);
    const list = (await api.get(`${P}/k8s/rules`)).body;
    expect(list.result_count).toBe(2);
    expect(list.results.map((x: { id: string }) => x.id)).toEqual(['a', 'b']);
  });

  it('PATCH on a policy is a full replace of its own fields; unlisted rules stay (patchEmbedded merge)', async () => {
    await api.patch(`${P}/full`, { category: 'Application', comments: 'c', rules: [{ id: 'r1' }, { id: 'r2' }] });
    await api.patch(`${P}/full`, { category: 'Application', rules: [{ id: 'r1', action: 'DROP' }] });
    const p = (await api.get(`${P}/full`)).body;
    expect(p.comments).toBeUndefined();
    expect(p.rules.map((x: { id: string }) => x.id)).toEqual(['r1', 'r2']);
    expect(p.rules[0]._revision).toBe(1);
  });

  it('PATCH on a rule is a full replace: left-out fields go back to defaults', async () => {
    await api.patch(`${P}/full/rules/r3`, { action: 'DROP', logged: true, notes: 'n' });
    await api.patch(`${P}/full/rules/r3`, { action: 'DROP' });
    const r = (await api.get(`${P}/full/rules/r3`)).body;
    expect(r).toMatchObject({ action: 'DROP', logged: false, _revision: 1 });
    expect(r.notes).toBeUndefined();
  });

  it('PUT on a policy replaces the set of rules', async () => {
    const cur = (await api.get(`${P}/full`)).body;
    const r = await api.put(`${P}/full`, { category: 'Application', _revision: cur._revision, rules: [{ id: 'r2' }] });
    expect(r.status).toBe(200);
    expect(r.body.rules.map((x: { id: string }) => x.id)).toEqual(['r2']);
  });

  it('DELETE of a policy deletes its rules', async () => {
    await api.patch(`${P}/del`, { rules: [{ id: 'x' }] });
    await api.del(`${P}/del`);
    expect(nsx.state.paths().filter((p) => p.startsWith(`${P}/del`))).toEqual([]);
  });

  it('a rule under a missing policy is 404', async () => {
    expect((await api.patch(`${P}/nope/rules/r`, {})).status).toBe(404);
  });
});

describe('built-ins', () => {
  it('has the default domain, SSH/HTTP services and the default SpoofGuard profile, system owned and read-only', async () => {
    expect((await api.get('/infra/domains/default')).status).toBe(200);
    const ssh = (await api.get('/infra/services/SSH')).body;
    expect(ssh).toMatchObject({ _system_owned: true, is_default: true });
    expect(ssh.service_entries[0]).toMatchObject({ resource_type: 'L4PortSetServiceEntry', l4_protocol: 'TCP', destination_ports: ['22'] });
    const sg = (await api.get('/infra/spoofguard-profiles/default-spoofguard-profile')).body;
    expect(sg).toMatchObject({ address_binding_allowlist: false, _system_owned: true });
    expect((await api.patch('/infra/spoofguard-profiles/default-spoofguard-profile', { address_binding_allowlist: true })).status).toBe(400);
    expect((await api.del('/infra/services/SSH')).status).toBe(400);
  });
});

describe('services', () => {
  it('PATCH adds and replaces entries and keeps unlisted ones; PUT replaces the set', async () => {
    const S = '/infra/services/k8s';
    const e = (id: string, port: string): object => ({ resource_type: 'L4PortSetServiceEntry', id, l4_protocol: 'TCP', destination_ports: [port] });
    await api.patch(S, { service_entries: [e('api', '6443'), e('etcd', '2379-2380')] });
    await api.patch(S, { service_entries: [e('api', '6444')] });
    let s = (await api.get(S)).body;
    expect(s.service_entries.map((x: { id: string; destination_ports: string[] }) => [x.id, x.destination_ports[0]])).toEqual([['api', '6444'], ['etcd', '2379-2380']]);
    expect(s.service_entries[0]).toMatchObject({ path: `${S}/service-entries/api`, parent_path: S, _revision: 1 });
    s = (await api.put(S, { _revision: s._revision, service_entries: [e('kubelet', '10250')] })).body;
    expect(s.service_entries.map((x: { id: string }) => x.id)).toEqual(['kubelet']);
    expect((await api.get(`${S}/service-entries/kubelet`)).body.l4_protocol).toBe('TCP');
    expect((await api.patch(`${S}/service-entries/udp`, { resource_type: 'L4PortSetServiceEntry', l4_protocol: 'UDP', destination_ports: ['8472'] })).status).toBe(200);
    expect((await api.patch(`${S}/service-entries/nort`, { l4_protocol: 'UDP' })).status).toBe(400);
  });

  it('patchEmbedded: replace makes PATCH delete the rules a policy body leaves out', async () => {
    const other = await startNsxEmulator({ users: { admin: 'pw' }, patchEmbedded: 'replace' });
    try {
      other.state.patch(`${P}/p`, { rules: [{ id: 'a' }, { id: 'b' }] });
      other.state.patch(`${P}/p`, { rules: [{ id: 'b' }] });
      expect((other.state.get(`${P}/p`)?.['rules'] as Array<{ id: string }>).map((r) => r.id)).toEqual(['b']);
      other.state.patch(`${P}/p`, { comments: 'no rules field: rules stay' });
      expect(other.state.get(`${P}/p`)?.['rule_count']).toBe(1);
    } finally {
      await other.close();
    }
  });
});

describe('revise (reorder)', () => {
  const ids = async (policy: string): Promise<string[]> => (await api.get(`${P}/${policy}`)).body.rules.map((r: { id: string }) => r.id);
  const revise = (policy: string, rule: string, query: string, body: object = {}) =>
    api.raw('POST', `/policy/api/v1${P}/${policy}/rules/${rule}?action=revise${query ? `&${query}` : ''}`, {
      body: JSON.stringify(body), headers: { 'content-type': 'application/json' },
    });

  it.each([
    { op: 'operation=insert_top', expected: ['c', 'a', 'b'] },
    { op: 'operation=insert_bottom', expected: ['a', 'b', 'c'] },
    { op: `operation=insert_before&anchor_path=${P}/ord/rules/b`, expected: ['a', 'c', 'b'] },
    { op: `operation=insert_after&anchor_path=${P}/ord/rules/a`, expected: ['a', 'c', 'b'] },
    { op: '', expected: ['c', 'a', 'b'] },
  ])('$op', async ({ op, expected }) => {
    nsx.state.put(`${P}/ord`, { _revision: nsx.state.get(`${P}/ord`)?.['_revision'], rules: [{ id: 'a', sequence_number: 1 }, { id: 'b', sequence_number: 2 }, { id: 'c', sequence_number: 3 }] });
    const r = await revise('ord', 'c', op, { action: 'DROP', sequence_number: 3 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ id: 'c', action: 'DROP' });
    expect(await ids('ord')).toEqual(expected);
    // the rules list comes in the same (sequence) order
    expect((await api.get(`${P}/ord/rules`)).body.results.map((x: { id: string }) => x.id)).toEqual(expected);
  });

  it('takes a free sequence number between neighbours when there is one', async () => {
    nsx.state.patch(`${P}/gap`, { rules: [{ id: 'a', sequence_number: 10 }, { id: 'b', sequence_number: 20 }] });
    await revise('gap', 'n', `operation=insert_after&anchor_path=${P}/gap/rules/a`);
    expect(nsx.state.get(`${P}/gap/rules/n`)?.['sequence_number']).toBe(15);
    expect(nsx.state.get(`${P}/gap/rules/b`)?.['_revision']).toBe(0);
  });

  it.each([
    { name: 'unknown operation', query: 'operation=insert_middle' },
    { name: 'insert_after without anchor', query: 'operation=insert_after' },
    { name: 'anchor that is not a sibling', query: `operation=insert_after&anchor_path=${P}/other/rules/x` },
  ])('rejects $name with 400 and changes nothing', async ({ query }) => {
    nsx.state.patch(`${P}/bad`, { rules: [{ id: 'a' }] });
    const before = nsx.state.snapshot();
    expect((await revise('bad', 'a', query)).status).toBe(400);
    expect(nsx.state.snapshot()).toBe(before);
  });

  it('POST without action=revise is 405', async () => {
    expect((await api.raw('POST', `/policy/api/v1${P}/k8s/rules/a`, { body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(405);
  });
});
