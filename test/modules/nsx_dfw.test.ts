/**
 * nsx_dfw against the NSX Policy API emulator over the real HTTP connection:
 * the kubernetes preset created in one hierarchical PATCH, a rerun that sends
 * nothing, check that writes nothing, drift repaired field by field, prune,
 * paging, and the faults: stale _revision (412) between read and write, 409,
 * 429 storms, an expired session, an unreachable manager.
 */
import { describe, expect, it } from 'vitest';
import nsxDfw from '../../src/modules/nsx_dfw.js';
import { HttpUnreachableError } from '../../src/engine/transport/http/index.js';
import { InvalidParams, validateParams } from '../helpers/module-harness.js';
import { runNsxModule, startNsxLab } from '../helpers/nsx-harness.js';

const K8S = {
  preset: 'kubernetes',
  kubernetes: { control_plane: ['10.1.1.11', '10.1.1.12', '10.1.1.13'], workers: ['10.1.1.21', '10.1.1.22'], api_vip: '10.1.1.5', lb_addresses: ['10.1.1.200-10.1.1.220'] },
};
const RULE = '/infra/domains/default/security-policies/k8s-cluster/rules';
const patches = (nsx: { requests: readonly { method: string; path: string; status: number }[] }) => nsx.requests.filter((r) => r.method === 'PATCH');

describe('nsx_dfw against the emulator', () => {
  it('check predicts and writes nothing; the run creates it all in one PATCH; a rerun sends no write', async () => {
    const { nsx, conn } = await startNsxLab({ pageSize: 3 });
    const before = nsx.state.snapshot();
    const check = await runNsxModule(conn, nsxDfw, K8S, { check: true });
    expect(nsx.writeCount()).toBe(0);
    expect(nsx.state.snapshot()).toBe(before);
    expect(check.changed).toBe(true);
    expect(check.plan.summary).toBe('add 3 groups, 7 services, policy k8s-cluster, 7 rules');
    expect(check.plan.diff?.map((d) => d.label)).toContain('add rule k8s-etcd');

    const run = await runNsxModule(conn, nsxDfw, K8S);
    expect(run.changed).toBe(true);
    expect(patches(nsx).map((r) => `${r.path} ${r.status}`)).toEqual(['/policy/api/v1/infra 200']);
    expect(run.plan.diff).toEqual(check.plan.diff);
    expect(nsx.state.get(`${RULE}/k8s-etcd`)).toMatchObject({ source_groups: ['/infra/domains/default/groups/k8s-control-plane'], services: ['/infra/services/k8s-etcd'], action: 'ALLOW', sequence_number: 20 });
    expect(nsx.state.get('/infra/services/k8s-nodeports')?.['service_entries']).toMatchObject([{ id: 'tcp', destination_ports: ['30000-32767'] }, { id: 'udp', destination_ports: ['30000-32767'] }]);

    nsx.clearLog();
    const again = await runNsxModule(conn, nsxDfw, K8S);
    expect(again.changed).toBe(false);
    expect(again.plan.summary).toBe('distributed firewall already as declared');
    expect(nsx.writeCount()).toBe(0);
    // 7 rules at 3 a page: the rules were read page by page
    expect(nsx.requests.filter((r) => r.path.endsWith('/rules')).length).toBe(3);
  });

  it('drift made by hand is repaired field by field; undeclared rules stay unless prune', async () => {
    const { nsx, conn } = await startNsxLab();
    await runNsxModule(conn, nsxDfw, K8S);
    const etcd = nsx.state.get(`${RULE}/k8s-etcd`)!;
    nsx.state.patch(`${RULE}/k8s-etcd`, { ...etcd, action: 'DROP', logged: true });
    nsx.state.patch(`${RULE}/by-hand`, { resource_type: 'Rule', sequence_number: 999, action: 'DROP' });

    const check = await runNsxModule(conn, nsxDfw, K8S, { check: true });
    expect(check.plan.diff).toEqual([{ label: 'change rule k8s-etcd (action, logged)', before: { action: 'DROP', logged: true }, after: { action: 'ALLOW', logged: false } }]);
    await runNsxModule(conn, nsxDfw, K8S);
    expect(nsx.state.get(`${RULE}/k8s-etcd`)).toMatchObject({ action: 'ALLOW', logged: false });
    expect(nsx.state.get(`${RULE}/by-hand`)).toBeDefined();

    const pruned = await runNsxModule(conn, nsxDfw, { ...K8S, prune: true });
    expect(pruned.plan.summary).toBe('remove rule by-hand');
    expect(nsx.state.get(`${RULE}/by-hand`)).toBeUndefined();
    nsx.clearLog();
    expect((await runNsxModule(conn, nsxDfw, { ...K8S, prune: true })).changed).toBe(false);
    expect(nsx.writeCount()).toBe(0);
  });

  it('a service with more than 15 ports is split into entries; shrinking it deletes the entries left over', async () => {
    const { nsx, conn } = await startNsxLab();
    const many = { services: [{ id: 'many', tcp: Array.from({ length: 20 }, (_, i) => 9000 + i) }] };
    await runNsxModule(conn, nsxDfw, many);
    expect((nsx.state.get('/infra/services/many')?.['service_entries'] as { id: string }[]).map((e) => e.id)).toEqual(['tcp-1', 'tcp-2']);
    const few = { services: [{ id: 'many', tcp: [9000, 9001] }] };
    expect((await runNsxModule(conn, nsxDfw, few)).changed).toBe(true);
    expect((nsx.state.get('/infra/services/many')?.['service_entries'] as { id: string }[]).map((e) => e.id)).toEqual(['tcp']);
    nsx.clearLog();
    expect((await runNsxModule(conn, nsxDfw, few)).changed).toBe(false);
    expect(nsx.writeCount()).toBe(0);
  });

  it('groups: addresses, VM tags and nested groups', async () => {
    const { nsx, conn } = await startNsxLab();
    const p = { groups: [{ id: 'vip', ip_addresses: ['10.1.1.5'] }, { id: 'tagged', vm_tags: [{ scope: 'k8s', tag: 'node' }] }, { id: 'all', groups: ['vip', 'tagged'] }] };
    await runNsxModule(conn, nsxDfw, p);
    expect(nsx.state.get('/infra/domains/default/groups/all')?.['expression']).toMatchObject([{ resource_type: 'PathExpression', paths: ['/infra/domains/default/groups/vip', '/infra/domains/default/groups/tagged'] }]);
    expect((await runNsxModule(conn, nsxDfw, p)).changed).toBe(false);
  });

  it('stale _revision: the policy changes between read and write; the module reads again and succeeds', async () => {
    const { nsx, conn } = await startNsxLab();
    await runNsxModule(conn, nsxDfw, K8S);
    const etcd = nsx.state.get(`${RULE}/k8s-etcd`)!;
    nsx.state.patch(`${RULE}/k8s-etcd`, { ...etcd, action: 'DROP' });
    nsx.clearLog();
    const run = await runNsxModule(conn, nsxDfw, K8S, {
      // someone else edits the same rule after the check read it
      beforeApply: () => nsx.state.patch(`${RULE}/k8s-etcd`, { ...nsx.state.get(`${RULE}/k8s-etcd`)!, notes: 'edited meanwhile' }),
    });
    expect(patches(nsx).map((r) => r.status)).toEqual([412, 200]);
    expect(run.result['conflict_retries']).toBe(1);
    expect(run.warnings.join('\n')).toMatch(/NSX answered 412.*reading again/);
    expect(nsx.state.get(`${RULE}/k8s-etcd`)).toMatchObject({ action: 'ALLOW', notes: 'edited meanwhile' });
  });

  it('409 from the manager: read again and retry', async () => {
    const { nsx, conn } = await startNsxLab();
    nsx.faults.inject({ method: 'PATCH', status: 409, times: 2 });
    const run = await runNsxModule(conn, nsxDfw, K8S);
    expect(patches(nsx).map((r) => r.status)).toEqual([409, 409, 200]);
    expect(run.result['conflict_retries']).toBe(2);
    expect(nsx.state.get(`${RULE}/k8s-api`)).toBeDefined();
  });

  it('409 that never ends: the task fails after a bounded number of attempts and nothing is written', async () => {
    const { nsx, conn } = await startNsxLab();
    const before = nsx.state.snapshot();
    nsx.faults.inject({ method: 'PATCH', status: 409, times: 100 });
    await expect(runNsxModule(conn, nsxDfw, K8S)).rejects.toThrow(/PATCH .*\/policy\/api\/v1\/infra failed with 409.*modified by somebody else/);
    expect(patches(nsx)).toHaveLength(5);
    expect(nsx.state.snapshot()).toBe(before);
  });

  it('a 429 storm on reads and the write: the connection backs off and the run completes', async () => {
    const { nsx, conn } = await startNsxLab();
    nsx.faults.inject({ status: 429, times: 4 });
    nsx.faults.inject({ method: 'PATCH', status: 429, times: 3 });
    const run = await runNsxModule(conn, nsxDfw, K8S);
    expect(run.changed).toBe(true);
    expect(nsx.requests.filter((r) => r.status === 429).length).toBe(7);
    expect((await runNsxModule(conn, nsxDfw, K8S)).changed).toBe(false);
  });

  it('an expired session: logs in again and goes on', async () => {
    const { nsx, conn } = await startNsxLab();
    await runNsxModule(conn, nsxDfw, K8S);
    expect(nsx.sessions.expireAll()).toBeGreaterThan(0);
    const run = await runNsxModule(conn, nsxDfw, { ...K8S, kubernetes: { ...K8S.kubernetes, logged: true } });
    expect(run.plan.summary).toBe('change 7 rules');
    expect(nsx.requests.filter((r) => r.path === '/api/session/create').length).toBe(2);
    expect(nsx.state.get(`${RULE}/k8s-api`)?.['logged']).toBe(true);
  });

  it('a manager whose PATCH replaces embedded lists (rules, service entries) converges the same', async () => {
    const { nsx, conn } = await startNsxLab({ patchEmbedded: 'replace' });
    await runNsxModule(conn, nsxDfw, K8S);
    await runNsxModule(conn, nsxDfw, { ...K8S, kubernetes: { ...K8S.kubernetes, tunnel: 'geneve' } });
    expect(nsx.state.get(`${RULE}/k8s-api`)).toBeDefined();
    expect((nsx.state.get('/infra/services/k8s-cilium')?.['service_entries'] as { destination_ports?: string[] }[]).flatMap((e) => e.destination_ports ?? [])).toContain('6081');
    nsx.clearLog();
    expect((await runNsxModule(conn, nsxDfw, { ...K8S, kubernetes: { ...K8S.kubernetes, tunnel: 'geneve' } })).changed).toBe(false);
    expect(nsx.writeCount()).toBe(0);
  });

  it('paging also ends when the last page carries no cursor at all', async () => {
    const { nsx, conn } = await startNsxLab({ pageSize: 2, lastPageCursor: 'omit' });
    await runNsxModule(conn, nsxDfw, K8S);
    nsx.clearLog();
    expect((await runNsxModule(conn, nsxDfw, K8S)).changed).toBe(false);
    expect(nsx.requests.filter((r) => r.path.endsWith('/rules')).length).toBe(4);
  });

  it('an expired session answered 403 with error_code 98 (bad XSRF token): logs in again', async () => {
    const { nsx, conn } = await startNsxLab({ sessionExpiredStatus: 403 });
    await runNsxModule(conn, nsxDfw, K8S);
    nsx.sessions.expireAll();
    nsx.clearLog();
    expect((await runNsxModule(conn, nsxDfw, K8S)).changed).toBe(false);
    expect(nsx.requests.filter((r) => r.path === '/api/session/create')).toHaveLength(1);
  });

  it('an unreachable manager: the host is unreachable and nothing is half done', async () => {
    const { nsx, conn } = await startNsxLab();
    const before = nsx.state.snapshot();
    await runNsxModule(conn, nsxDfw, K8S, { check: true });
    await nsx.goOffline();
    await expect(runNsxModule(conn, nsxDfw, K8S)).rejects.toBeInstanceOf(HttpUnreachableError);
    await nsx.goOnline();
    expect(nsx.state.snapshot()).toBe(before);
  });

  it('an unreachable manager between check and write: still nothing half done', async () => {
    const { nsx, conn } = await startNsxLab();
    const before = nsx.state.snapshot();
    await expect(runNsxModule(conn, nsxDfw, K8S, { beforeApply: () => nsx.goOffline() })).rejects.toBeInstanceOf(HttpUnreachableError);
    await nsx.goOnline();
    expect(nsx.state.snapshot()).toBe(before);
  });

  it('a declaration NSX would refuse fails before anything is sent', async () => {
    const { nsx, conn } = await startNsxLab();
    const bad = { policy: { id: 'p', rules: [{ id: 'r', sources: ['ANY', 'x'] }] } };
    await expect(runNsxModule(conn, nsxDfw, bad, { check: true })).rejects.toThrow(/policy\.rules\[r\]\.sources: ANY must stand alone/);
    expect(nsx.requests.filter((r) => r.path.startsWith('/policy/'))).toHaveLength(0);
  });
});

describe('nsx_dfw parameters', () => {
  it.each([
    [{}, /nothing declared/],
    [{ services: [{ id: 's', tcp: [70000] }] }, /services\[s\]\.tcp: "70000" is not a port/],
  ])('refuses %j at check', async (params, msg) => {
    const { conn } = await startNsxLab();
    await expect(runNsxModule(conn, nsxDfw, params, { check: true })).rejects.toThrow(msg);
  });
  it.each([
    [{ preset: 'kubernetes' }],
    [{ kubernetes: K8S.kubernetes }],
    [{ preset: 'openshift', kubernetes: K8S.kubernetes }],
    [{ groups: [{ id: 'g', ip_addresses: ['not-an-ip'] }] }],
    [{ groups: [{ id: 'bad id' }] }],
    [{ policy: { id: 'p', rules: [{ id: 'r', action: 'PERMIT' }] } }],
    [{ policy: { id: 'p', category: 'Default', rules: [] } }],
    [{ policy: { id: 'p', rules: [{ id: 'r', sources: Array.from({ length: 129 }, (_, i) => `g${i}`) }] } }],
    [{ groups: [], bogus: true }],
  ])('rejects %j', (params) => expect(() => validateParams(nsxDfw, params)).toThrow(InvalidParams));
});
