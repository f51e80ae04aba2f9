/**
 * Strictness: what the real API rejects, the emulator rejects with 400 (or the documented status) and the
 * documented error body; what it accepts, the emulator accepts. One table, run against one emulator; a
 * rejected request changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNsxEmulator, type NsxEmulator } from './index.js';
import { testClient, type TestClient } from './test-client.js';

let nsx: NsxEmulator;
let api: TestClient;
const G = '/infra/domains/default/groups';
const P = '/infra/domains/default/security-policies';
const S = '/infra/services';

beforeAll(async () => {
  nsx = await startNsxEmulator({ users: { admin: 'pw' } });
  api = testClient(nsx);
  nsx.state.patch(`${G}/web`, {});
  nsx.state.patch(`${P}/app`, { category: 'Application' });
  nsx.state.patch(`${P}/env`, { category: 'Environment' });
  nsx.state.patch('/infra/segments/seg', {});
  nsx.state.patch('/infra/segments/seg/ports/p1', {});
});
afterAll(() => nsx.close());

const ip = (ip_addresses: unknown): unknown => ({ expression: [{ resource_type: 'IPAddressExpression', ip_addresses }] });
const l4 = (ports: unknown, extra: object = {}): unknown => ({
  service_entries: [{ id: 'e', resource_type: 'L4PortSetServiceEntry', l4_protocol: 'TCP', destination_ports: ports, ...extra }],
});
const fifteen = Array.from({ length: 15 }, (_, i) => String(1000 + i));

interface Case {
  readonly name: string;
  readonly path: string;
  readonly body: unknown;
  readonly status: number;
  readonly error_code?: number;
  readonly message?: RegExp;
}

const cases: Case[] = [
  // accepted
  { name: 'group with IPs, CIDR and range', path: `${G}/ok1`, body: ip(['10.0.0.1', '10.0.0.0/24', '10.0.0.5-10.0.0.9', 'fd00::1']), status: 200 },
  {
    name: 'group with Condition OR IPAddressExpression',
    path: `${G}/ok2`,
    body: {
      expression: [
        { resource_type: 'Condition', member_type: 'VirtualMachine', key: 'Tag', operator: 'EQUALS', value: 'k8s|node' },
        { resource_type: 'ConjunctionOperator', conjunction_operator: 'OR' },
        { resource_type: 'IPAddressExpression', ip_addresses: ['10.1.1.10'] },
      ],
    },
    status: 200,
  },
  { name: 'group nesting an existing group by PathExpression', path: `${G}/ok3`, body: { expression: [{ resource_type: 'PathExpression', paths: [`${G}/web`] }] }, status: 200 },
  { name: 'service with exactly 15 ports', path: `${S}/ok15`, body: l4(fifteen), status: 200 },
  { name: 'service with 13 ports and one range (15)', path: `${S}/okr`, body: l4([...fifteen.slice(0, 13), '30000-32767']), status: 200 },
  { name: 'rule with paths, IPs and a service entry', path: `${P}/app/rules/ok`, body: {
    source_groups: [`${G}/web`, '10.0.0.0/8'], destination_groups: ['ANY'], services: [`${S}/SSH`],
    service_entries: [{ resource_type: 'L4PortSetServiceEntry', l4_protocol: 'UDP', destination_ports: ['8472'] }],
    action: 'ALLOW', direction: 'IN', ip_protocol: 'IPV4', logged: true, scope: [`${G}/web`],
  }, status: 200 },
  { name: 'JUMP_TO_APPLICATION in Environment', path: `${P}/env/rules/jump`, body: { action: 'JUMP_TO_APPLICATION' }, status: 200 },
  { name: 'read-only fields sent back are ignored', path: `${G}/ok4`, body: { _create_time: 1, path: '/x', marked_for_delete: false, _system_owned: false }, status: 200 },

  // unknown fields and wrong types
  { name: 'unknown top-level field', path: `${G}/bad1`, body: { colour: 'red' }, status: 400, error_code: 255, message: /'colour' is not a recognized field of Group/ },
  { name: 'wrong type', path: `${G}/bad2`, body: { display_name: 42 }, status: 400, message: /display_name.*must be string/ },
  { name: 'wrong resource_type', path: `${G}/bad3`, body: { resource_type: 'Service' }, status: 400 },
  { name: 'id that differs from the URL', path: `${G}/bad4`, body: { id: 'other' }, status: 400, message: /does not match/ },
  { name: 'children outside the hierarchical API', path: `${G}/bad5`, body: { children: [] }, status: 400, message: /hierarchical/ },
  { name: 'body that is not an object', path: `${G}/bad6`, body: [1, 2], status: 400 },
  { name: 'unknown expression type', path: `${G}/bad7`, body: { expression: [{ resource_type: 'Magic' }] }, status: 400 },
  { name: 'unknown field in an expression', path: `${G}/bad8`, body: { expression: [{ resource_type: 'IPAddressExpression', ip_addresses: ['1.1.1.1'], extra: 1 }] }, status: 400 },
  { name: 'bad IP in an IPAddressExpression', path: `${G}/bad9`, body: ip(['10.0.0.300']), status: 400, message: /not an IP address/ },
  { name: 'Condition without value', path: `${G}/bad10`, body: { expression: [{ resource_type: 'Condition', member_type: 'VirtualMachine', key: 'Tag', operator: 'EQUALS' }] }, status: 400, message: /value.*required/ },
  {
    name: 'two expressions without a ConjunctionOperator',
    path: `${G}/bad11`,
    body: { expression: [{ resource_type: 'IPAddressExpression', ip_addresses: ['1.1.1.1'] }, { resource_type: 'IPAddressExpression', ip_addresses: ['1.1.1.2'] }] },
    status: 400, message: /alternate/,
  },
  { name: 'PathExpression to a missing group', path: `${G}/bad12`, body: { expression: [{ resource_type: 'PathExpression', paths: [`${G}/missing`] }] }, status: 400, error_code: 500012, message: /is invalid/ },

  // services
  { name: '16 single ports', path: `${S}/bad1`, body: l4([...fifteen, '2000']), status: 400, message: /at most 15/ },
  { name: '14 ports and a range (16)', path: `${S}/bad2`, body: l4([...fifteen.slice(0, 14), '30000-32767']), status: 400, message: /range counts as 2/ },
  { name: 'port out of range', path: `${S}/bad3`, body: l4(['70000']), status: 400 },
  { name: 'reversed range', path: `${S}/bad4`, body: l4(['200-100']), status: 400 },
  { name: 'numeric port instead of a string', path: `${S}/bad5`, body: l4([6443]), status: 400 },
  { name: 'l4_protocol ICMP', path: `${S}/bad6`, body: l4(['1'], { l4_protocol: 'ICMP' }), status: 400 },
  { name: 'service entry without id', path: `${S}/bad7`, body: { service_entries: [{ resource_type: 'L4PortSetServiceEntry', l4_protocol: 'TCP' }] }, status: 400, message: /id' is required/ },
  { name: 'service entry of unknown type', path: `${S}/bad8`, body: { service_entries: [{ id: 'x', resource_type: 'FooEntry' }] }, status: 400 },

  // policies and rules
  { name: 'invalid category', path: `${P}/bad1`, body: { category: 'Default' }, status: 400, message: /Invalid category/ },
  { name: 'ANY with another source group', path: `${P}/app/rules/bad1`, body: { source_groups: ['ANY', `${G}/web`] }, status: 400, message: /ANY/ },
  { name: 'ANY with another service', path: `${P}/app/rules/bad2`, body: { services: ['ANY', `${S}/SSH`] }, status: 400 },
  { name: 'source group that is not a path or IP', path: `${P}/app/rules/bad3`, body: { source_groups: ['web'] }, status: 400 },
  { name: 'missing source group', path: `${P}/app/rules/bad4`, body: { source_groups: [`${G}/missing`] }, status: 400, error_code: 500012 },
  { name: 'missing service', path: `${P}/app/rules/bad5`, body: { services: [`${S}/missing`] }, status: 400, error_code: 500012 },
  { name: 'a group path in services', path: `${P}/app/rules/bad6`, body: { services: [`${G}/web`] }, status: 400, message: /expected Service/ },
  { name: 'JUMP_TO_APPLICATION outside Environment', path: `${P}/app/rules/bad7`, body: { action: 'JUMP_TO_APPLICATION' }, status: 400, message: /Environment/ },
  { name: 'invalid action', path: `${P}/app/rules/bad8`, body: { action: 'PERMIT' }, status: 400 },
  { name: 'invalid direction', path: `${P}/app/rules/bad9`, body: { direction: 'BOTH' }, status: 400 },
  { name: 'more than 128 source groups', path: `${P}/app/rules/bad10`, body: { source_groups: Array.from({ length: 129 }, (_, i) => `10.0.${Math.floor(i / 250)}.${i % 250}`) }, status: 400 },
  { name: 'tag longer than 32', path: `${P}/app/rules/bad11`, body: { tag: 'x'.repeat(33) }, status: 400 },
  { name: 'embedded rule with an unknown field', path: `${P}/bad2`, body: { category: 'Application', rules: [{ id: 'r', src: ['ANY'] }] }, status: 400 },
  { name: 'embedded rules that repeat an id', path: `${P}/bad3`, body: { rules: [{ id: 'r' }, { id: 'r' }] }, status: 400 },
  { name: 'rules that is not an array', path: `${P}/bad4`, body: { rules: { id: 'r' } }, status: 400 },

  // segments, ports, SpoofGuard
  { name: 'port binding with a bad MAC', path: '/infra/segments/seg/ports/bad1', body: { address_bindings: [{ ip_address: '10.0.0.1', mac_address: 'zz' }] }, status: 400 },
  { name: 'port binding with a range', path: '/infra/segments/seg/ports/bad2', body: { address_bindings: [{ ip_address: '10.0.0.1-10.0.0.5' }] }, status: 400 },
  { name: 'port binding with an unknown field', path: '/infra/segments/seg/ports/bad3', body: { address_bindings: [{ ip: '10.0.0.1' }] }, status: 400 },
  { name: 'more than 512 bindings', path: '/infra/segments/seg/ports/bad4', body: { address_bindings: Array.from({ length: 513 }, (_, i) => ({ ip_address: `10.1.${Math.floor(i / 250)}.${i % 250}` })) }, status: 400 },
  { name: 'the pre-4.x whitelist field', path: '/infra/spoofguard-profiles/bad1', body: { address_binding_whitelist: true }, status: 400 },
  { name: 'binding map to a missing profile', path: '/infra/segments/seg/segment-security-profile-binding-maps/bad1', body: { spoofguard_profile_path: '/infra/spoofguard-profiles/missing' }, status: 400, error_code: 500012 },
  { name: 'a port under a missing segment', path: '/infra/segments/missing/ports/p', body: {}, status: 404 },
  { name: 'a path the emulator does not know', path: '/infra/tier-1s/t1', body: {}, status: 404 },
];

describe('request validation', () => {
  it.each(cases)('$name → $status', async (c) => {
    const before = nsx.state.snapshot();
    const r = await api.patch(c.path, c.body);
    expect(r.status, JSON.stringify(r.body)).toBe(c.status);
    if (c.status === 200) return;
    expect(nsx.state.snapshot()).toBe(before);
    expect(r.body).toEqual(expect.objectContaining({ error_code: expect.any(Number), error_message: expect.any(String), module_name: expect.any(String), related_errors: expect.any(Array) }));
    if (c.error_code !== undefined) expect(r.body.error_code).toBe(c.error_code);
    if (c.message) expect(JSON.stringify(r.body)).toMatch(c.message);
  });

  it('several problems: the first is the message, the others related_errors', async () => {
    const r = await api.patch(`${G}/many`, { colour: 'red', size: 1 });
    expect(r.status).toBe(400);
    expect(r.body.related_errors).toHaveLength(1);
    expect(r.body.related_errors[0]).toMatchObject({ error_code: 255, related_errors: [] });
  });

  it('invalid JSON is 400', async () => {
    const r = await api.raw('PATCH', `/policy/api/v1${G}/json`, { body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
  });

  it('a write body that is not sent as application/json is 415', async () => {
    const r = await api.raw('PATCH', `/policy/api/v1${G}/form`, { body: '{}', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(415);
    expect((await api.raw('PATCH', `/policy/api/v1${G}/none`, { body: '{}' })).status).toBe(415);
    expect((await api.raw('PATCH', `/policy/api/v1${G}/charset`, { body: '{}', headers: { 'content-type': 'application/json; charset=utf-8' } })).status).toBe(200);
  });

  it('unsupported methods are 405', async () => {
    expect((await api.raw('POST', `/policy/api/v1${G}/web`, { body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(405);
    expect((await api.raw('DELETE', `/policy/api/v1${G}`)).status).toBe(405);
  });
});

describe('referential integrity on delete', () => {
  it('a group used by a rule cannot be deleted until the rule is gone', async () => {
    await api.patch(`${G}/used`, {});
    await api.patch(`${P}/app/rules/uses`, { destination_groups: [`${G}/used`] });
    const r = await api.del(`${G}/used`);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error_code: 500030 });
    expect(r.body.error_message).toMatch(/referenced by .*rules\/uses/);
    await api.del(`${P}/app/rules/uses`);
    expect((await api.del(`${G}/used`)).status).toBe(200);
  });

  it('a service used by a rule and a group nested in a group cannot be deleted', async () => {
    await api.patch(`${S}/svc`, l4(['443']));
    await api.patch(`${P}/app/rules/svc`, { services: [`${S}/svc`] });
    expect((await api.del(`${S}/svc`)).status).toBe(400);
    await api.patch(`${G}/inner`, {});
    await api.patch(`${G}/outer`, { expression: [{ resource_type: 'PathExpression', paths: [`${G}/inner`] }] });
    expect((await api.del(`${G}/inner`)).status).toBe(400);
  });

  it('a SpoofGuard profile bound to a segment cannot be deleted', async () => {
    await api.patch('/infra/spoofguard-profiles/sg', { address_binding_allowlist: true });
    await api.patch('/infra/segments/seg/segment-security-profile-binding-maps/m', {
      spoofguard_profile_path: '/infra/spoofguard-profiles/sg',
      segment_security_profile_path: '/infra/segment-security-profiles/default-segment-security-profile',
    });
    expect((await api.del('/infra/spoofguard-profiles/sg')).status).toBe(400);
  });

  it('a segment with ports cannot be deleted', async () => {
    expect((await api.del('/infra/segments/seg')).status).toBe(400);
  });
});
