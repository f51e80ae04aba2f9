import { describe, expect, it } from 'vitest';
import { covers } from '../../../../src/modules/support/nsx/compare.js';
import { desiredDfw } from '../../../../src/modules/support/nsx/dfw-desired.js';
import { describeChanges, planDfw, type CurrentDfw } from '../../../../src/modules/support/nsx/dfw-plan.js';
import { ruleWithDefaults } from '../../../../src/modules/support/nsx/k8s-preset.js';

describe('covers: declared fields only, sets without order', () => {
  it.each([
    { name: 'extra server fields ignored', d: { a: 1 }, c: { a: 1, _revision: 3, path: '/x' }, want: true },
    { name: 'a differing value', d: { a: 1 }, c: { a: 2 }, want: false },
    { name: 'a missing field', d: { a: false }, c: {}, want: false },
    { name: 'set field in another order', d: { source_groups: ['a', 'b'] }, c: { source_groups: ['b', 'a'] }, want: true },
    { name: 'ordered list in another order', d: { expression: [{ x: 1 }, { x: 2 }] }, c: { expression: [{ x: 2 }, { x: 1 }] }, want: false },
    { name: 'nested objects with server ids', d: { expression: [{ resource_type: 'IPAddressExpression', ip_addresses: ['1.1.1.1', '2.2.2.2'] }] }, c: { expression: [{ resource_type: 'IPAddressExpression', id: 'e1', path: '/p', ip_addresses: ['2.2.2.2', '1.1.1.1'] }] }, want: true },
    { name: 'a shorter set', d: { scope: ['a'] }, c: { scope: ['a', 'b'] }, want: false },
    { name: 'an empty list against a missing one', d: { expression: [] }, c: {}, want: true },
  ])('$name', ({ d, c, want }) => expect(covers(d, c)).toBe(want));
});

const desired = desiredDfw('default', {
  groups: [{ id: 'nodes', ip_addresses: ['10.0.0.1', '10.0.0.2'] }],
  services: [{ id: 'api', tcp: [6443] }],
  policy: {
    id: 'p',
    rules: [ruleWithDefaults({ id: 'r1', sources: ['nodes'], destinations: ['nodes'], services: ['api'] }), ruleWithDefaults({ id: 'r2', services: ['SSH'], action: 'DROP' })],
  },
});

/** What NSX would hand back for an object it holds: the declared fields plus server-managed and defaulted ones. */
const asServer = (o: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  ...o,
  _revision: 2,
  _create_time: 1,
  _create_user: 'admin',
  path: `/infra/x/${String(o['id'])}`,
  parent_path: '/infra',
  relative_path: o['id'],
  unique_id: 'u-1',
  marked_for_delete: false,
  _system_owned: false,
  _protection: 'NOT_PROTECTED',
  ...extra,
});

const fromServer = (): CurrentDfw => ({
  groups: new Map([['nodes', asServer(desired.groups[0]!, { expression: [{ resource_type: 'IPAddressExpression', id: 'auto-1', path: '/x', ip_addresses: ['10.0.0.2', '10.0.0.1'] }] })]]),
  services: new Map([['api', asServer(desired.services[0]!, { is_default: false, service_entries: [{ resource_type: 'L4PortSetServiceEntry', id: 'tcp', display_name: 'tcp', l4_protocol: 'TCP', destination_ports: ['6443'], source_ports: [], path: '/x' }] })]]),
  policy: asServer(desired.policy!, { locked: false, tcp_strict: false, rule_count: 2, internal_sequence_number: 5 }),
  rules: desired.rules.map((r) => asServer(r, { rule_id: 1001, profiles: ['ANY'], is_default: false })),
});

const empty: CurrentDfw = { groups: new Map([['nodes', null]]), services: new Map([['api', null]]), policy: null, rules: [] };

describe('planDfw', () => {
  it('everything new: adds in one hierarchical body (services under Infra, groups and the policy with its rules under the domain)', () => {
    const plan = planDfw(desired, empty, false);
    expect(plan.changes.map((c) => `${c.action} ${c.kind} ${c.id}`)).toEqual(['add service api', 'add group nodes', 'add policy p', 'add rule r1', 'add rule r2']);
    expect(plan.body).toMatchObject({
      resource_type: 'Infra',
      children: [
        { resource_type: 'ChildService', Service: { id: 'api' } },
        {
          resource_type: 'ChildResourceReference',
          target_type: 'Domain',
          id: 'default',
          children: [
            { resource_type: 'ChildGroup', Group: { id: 'nodes' } },
            { resource_type: 'ChildSecurityPolicy', SecurityPolicy: { id: 'p', category: 'Infrastructure', children: [{ resource_type: 'ChildRule', Rule: { id: 'r1' } }, { resource_type: 'ChildRule', Rule: { id: 'r2' } }] } },
          ],
        },
      ],
    });
    expect(describeChanges(plan.changes)).toBe('add group nodes, service api, policy p, rule r1, rule r2');
  });

  it('what NSX holds matches, server fields and defaults aside: no change, no body', () => {
    const plan = planDfw(desired, fromServer(), true);
    expect(plan.changes).toEqual([]);
    expect(plan.body).toBeNull();
    expect(describeChanges(plan.changes)).toBe('distributed firewall already as declared');
  });

  const cases: { name: string; edit: (c: CurrentDfw) => CurrentDfw; prune?: boolean; changes: string[]; fields?: string[] }[] = [
    { name: 'a rule whose action differs', edit: (c) => ({ ...c, rules: c.rules.map((r) => (r['id'] === 'r2' ? { ...r, action: 'ALLOW' } : r)) }), changes: ['change rule r2'], fields: ['action'] },
    { name: 'a rule out of order', edit: (c) => ({ ...c, rules: c.rules.map((r) => (r['id'] === 'r1' ? { ...r, sequence_number: 99 } : r)) }), changes: ['change rule r1'], fields: ['sequence_number'] },
    { name: 'a missing rule', edit: (c) => ({ ...c, rules: c.rules.filter((r) => r['id'] !== 'r1') }), changes: ['add rule r1'] },
    { name: 'an undeclared rule, kept without prune', edit: (c) => ({ ...c, rules: [...c.rules, asServer({ id: 'old', action: 'DROP' })] }), changes: [] },
    { name: 'an undeclared rule, removed with prune', edit: (c) => ({ ...c, rules: [...c.rules, asServer({ id: 'old', action: 'DROP' })] }), prune: true, changes: ['remove rule old'] },
    { name: 'a group member too many', edit: (c) => ({ ...c, groups: new Map([['nodes', { ...c.groups.get('nodes'), expression: [{ resource_type: 'IPAddressExpression', ip_addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] }] }]]) }), changes: ['change group nodes'], fields: ['expression'] },
    { name: 'a service port changed by hand', edit: (c) => ({ ...c, services: new Map([['api', { ...c.services.get('api'), service_entries: [{ resource_type: 'L4PortSetServiceEntry', id: 'tcp', l4_protocol: 'TCP', destination_ports: ['443'] }] }]]) }), changes: ['change service api'], fields: ['service_entries'] },
    { name: 'the policy moved to another category', edit: (c) => ({ ...c, policy: { ...c.policy, category: 'Application' } }), changes: ['change policy p'], fields: ['category'] },
  ];
  it.each(cases)('$name', ({ edit, prune, changes, fields }) => {
    const plan = planDfw(desired, edit(fromServer()), prune ?? false);
    expect(plan.changes.map((c) => `${c.action} ${c.kind} ${c.id}`)).toEqual(changes);
    if (fields) expect(plan.changes[0]?.fields).toEqual(fields);
    expect(plan.body === null).toBe(changes.length === 0);
  });

  it('a changed rule is sent complete, with the _revision read and without server-managed fields; the policy is only walked through', () => {
    const cur = fromServer();
    const plan = planDfw(desired, { ...cur, rules: cur.rules.map((r) => (r['id'] === 'r2' ? { ...r, action: 'ALLOW', tag: 'kept' } : r)) }, false);
    const domain = (plan.body!['children'] as Record<string, unknown>[])[0]!;
    const policyRef = (domain['children'] as Record<string, unknown>[])[0]!;
    expect(policyRef).toMatchObject({ resource_type: 'ChildResourceReference', id: 'p', target_type: 'SecurityPolicy' });
    const rule = ((policyRef['children'] as Record<string, unknown>[])[0]!['Rule'] as Record<string, unknown>);
    expect(rule).toMatchObject({ id: 'r2', action: 'DROP', services: ['/infra/services/SSH'], _revision: 2, tag: 'kept', profiles: ['ANY'] });
    for (const f of ['path', 'parent_path', '_create_time', 'unique_id', 'rule_id', 'marked_for_delete', '_system_owned']) expect(rule).not.toHaveProperty(f);
  });

  it('prune marks the undeclared rule for delete', () => {
    const cur = fromServer();
    const plan = planDfw(desired, { ...cur, rules: [...cur.rules, asServer({ id: 'old' })] }, true);
    expect(JSON.stringify(plan.body)).toContain('{"resource_type":"ChildRule","marked_for_delete":true,"Rule":{"resource_type":"Rule","id":"old"}}');
  });

  it('the before of a changed group shows the expression without the ids and paths NSX gave it', () => {
    const cur = fromServer();
    const g = cur.groups.get('nodes')!;
    const plan = planDfw(desired, { ...cur, groups: new Map([['nodes', { ...g, expression: [{ resource_type: 'IPAddressExpression', id: 'e-1', path: '/p/e-1', ip_addresses: ['10.0.0.9'] }] }]]) }, false);
    expect(plan.changes[0]).toMatchObject({ action: 'change', before: { expression: [{ resource_type: 'IPAddressExpression', ip_addresses: ['10.0.0.9'] }] } });
    expect(JSON.stringify(plan.changes[0]?.before)).not.toContain('e-1');
  });

  it('a change shows only the differing fields, before and after', () => {
    const cur = fromServer();
    const plan = planDfw(desired, { ...cur, rules: cur.rules.map((r) => (r['id'] === 'r2' ? { ...r, action: 'ALLOW', logged: true } : r)) }, false);
    expect(plan.changes).toEqual([{ kind: 'rule', id: 'r2', action: 'change', fields: ['action', 'logged'], before: { action: 'ALLOW', logged: true }, after: { action: 'DROP', logged: false } }]);
  });
});
