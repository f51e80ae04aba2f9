/**
 * playbooks/nsx.yml through the real CLI and the real HTTP connection
 * against the NSX Policy API emulator, with inventory/poc (group nsx)
 * and its group_vars; the emulator holds the nodes' segment and their VMs.
 *  - --check writes nothing and predicts the changes; the first run makes
 *    them (one hierarchical PATCH per task); the second sends no write;
 *  - a 429 storm, a 409 and an expired session on the way still converge;
 *  - an unreachable manager makes the host unreachable (exit 3), nothing written;
 *  - the NSX password (from vault or -e) appears nowhere at -vvv.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, playbookCli } from '../cli/cli-harness.js';
import { startNsxEmulator, type NsxEmulator } from '../doubles/nsx/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PASSWORD = 'Nsx-e2e-pw-4c2a-never-shown';
const VAULT_PASSWORD = 'vault-pw-e2e-91b3';
const RULES = '/infra/domains/default/security-policies/k8s-cluster/rules';
const NODES = [['cp-1', '01'], ['cp-2', '02'], ['cp-3', '03'], ['w-1', '21'], ['w-2', '22']] as const;

/** The CLI as a child process; asynchronous, so the emulator in this process keeps answering. */
const tsplay = (args: readonly string[]) => playbookCli(args, { cwd: ROOT });

describe('playbooks/nsx.yml against the NSX emulator', () => {
  let dir: string;
  let nsx: NsxEmulator;
  let args: string[];

  beforeAll(async () => {
    nsx = await startNsxEmulator({ users: { admin: PASSWORD }, pageSize: 4 });
    nsx.state.patch('/infra/segments/k8s-nodes', { resource_type: 'Segment', subnets: [{ gateway_address: '10.1.1.1/24' }] });
    for (const [vm, n] of NODES) nsx.inventory.addVm({ displayName: vm, nics: [{ mac: `00:50:56:00:00:${n}`, segment: 'k8s-nodes', port: `port-${vm}` }] });
    nsx.state.patch('/infra/segments/k8s-nodes/ports/port-other', { resource_type: 'SegmentPort', display_name: 'other-vm.vmx@77' });
    dir = mkdtempSync(join(tmpdir(), 'tsplay-nsx-e2e-'));
    writeFileSync(join(dir, 'vault-pw'), `${VAULT_PASSWORD}\n`);
    writeFileSync(join(dir, 'secrets.yml'), `vault_nsx_password: ${PASSWORD}\n`);
    const enc = await cli(['vault', 'encrypt', join(dir, 'secrets.yml'), '--vault-password-file', join(dir, 'vault-pw')]);
    expect(enc.code, enc.stderr).toBe(0);
    args = ['playbooks/nsx.yml', '-i', 'inventory/poc', '-e', `@${join(dir, 'secrets.yml')}`, '--vault-password-file', join(dir, 'vault-pw'), '-e', `tsplay_http_url=${nsx.url}`];
  }, 60_000);

  afterAll(async () => {
    await nsx?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('check predicts and writes nothing; the run creates; a second run sends no write; secrets never print at -vvv', { timeout: 300_000 }, async () => {
    const before = nsx.state.snapshot();
    const check = await tsplay([...args, '--check', '--diff', '-vvv']);
    expect(check.code, check.out).toBe(0);
    expect(nsx.writeCount()).toBe(0);
    expect(nsx.state.snapshot()).toBe(before);
    expect(check.recap['nsx-manager']).toMatchObject({ changed: 2, failed: 0 });
    expect(check.out).toContain('add 3 groups, 7 services, policy k8s-cluster, 7 rules');
    expect(check.out).toContain('add rule k8s-etcd');
    expect(check.out).toMatch(/port cp-1 \(port-cp-1\): adding 22 address bindings .*cannot be removed after realization/);
    expect(check.out).not.toContain(PASSWORD);

    const first = await tsplay([...args, '--diff', '-vvv']);
    expect(first.code, first.out).toBe(0);
    expect(first.recap['nsx-manager']).toMatchObject({ changed: 2, failed: 0 });
    expect(first.out).not.toContain(PASSWORD);
    expect(nsx.requests.filter((r) => r.write).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['PATCH /policy/api/v1/infra 200', 'PATCH /policy/api/v1/infra 200']);
    expect(nsx.state.get(`${RULES}/k8s-kubelet`)).toMatchObject({ source_groups: ['/infra/domains/default/groups/k8s-nodes'], services: ['/infra/services/k8s-kubelet'] });
    expect(nsx.state.get('/infra/domains/default/groups/k8s-control-plane')?.['expression']).toMatchObject([{ ip_addresses: ['10.1.1.11', '10.1.1.12', '10.1.1.13', '10.1.1.5'] }]);
    const cp1 = nsx.state.get('/infra/segments/k8s-nodes/ports/port-cp-1')?.['address_bindings'] as { ip_address: string; mac_address: string }[];
    expect(cp1.map((b) => b.ip_address)).toEqual(['10.1.1.5', ...Array.from({ length: 21 }, (_, i) => `10.1.1.${200 + i}`)]);
    expect(cp1.every((b) => b.mac_address === '00:50:56:00:00:01')).toBe(true);
    expect(nsx.state.get('/infra/segments/k8s-nodes/ports/port-other')?.['address_bindings']).toBeUndefined();

    const writes = nsx.writeCount();
    const second = await tsplay(args);
    expect(second.code, second.out).toBe(0);
    expect(second.recap['nsx-manager']).toMatchObject({ changed: 0, failed: 0 });
    expect(nsx.writeCount()).toBe(writes);
    const checkAgain = await tsplay([...args, '--check']);
    expect(checkAgain.recap['nsx-manager']?.changed).toBe(0);
    expect(nsx.writeCount()).toBe(writes);
  });

  it('a password given with -e does not print at -vvv either', { timeout: 120_000 }, async () => {
    const plain = ['playbooks/nsx.yml', '-i', 'inventory/poc', '-e', `vault_nsx_password=${PASSWORD}`, '-e', `tsplay_http_url=${nsx.url}`, '--check', '--diff', '-vvv'];
    const r = await tsplay(plain);
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toContain(PASSWORD);
  });

  it('drift, a 429 storm, a 409, a 503, a 412 and an expired session on the way: the run repairs the drift and converges', { timeout: 120_000 }, async () => {
    const etcd = nsx.state.get(`${RULES}/k8s-etcd`)!;
    nsx.state.patch(`${RULES}/k8s-etcd`, { ...etcd, action: 'DROP' });
    nsx.sessions.expireAll();
    nsx.faults.inject({ method: 'GET', status: 429, times: 3, retryAfter: 0 });
    nsx.faults.inject({ method: 'PATCH', status: 409, times: 1 });
    nsx.faults.inject({ method: 'PATCH', status: 503, times: 1 });
    nsx.faults.inject({ method: 'PATCH', status: 412, times: 1, message: 'The object was modified since it was read (stale _revision).' });
    const r = await tsplay([...args, '--diff']);
    expect(r.code, r.out).toBe(0);
    expect(r.recap['nsx-manager']).toMatchObject({ changed: 1, failed: 0 });
    expect(r.out).toMatch(/change rule k8s-etcd \(action\)/);
    expect(r.out).toMatch(/NSX answered 409 .*reading again \(attempt 2\)/);
    expect(r.out).toMatch(/NSX answered 412 .*reading again \(attempt 3\)/);
    expect(nsx.state.get(`${RULES}/k8s-etcd`)?.['action']).toBe('ALLOW');
    const writes = nsx.writeCount();
    expect((await tsplay(args)).recap['nsx-manager']?.changed).toBe(0);
    expect(nsx.writeCount()).toBe(writes);
  });

  it('nsx_spoofguard_mode=profile with --tags spoofguard: a profile bound to the segment, then no write', { timeout: 120_000 }, async () => {
    const profile = [...args, '--tags', 'spoofguard', '-e', 'nsx_spoofguard_mode=profile'];
    const writes = nsx.writeCount();
    const check = await tsplay([...profile, '--check']);
    expect(check.code, check.out).toBe(0);
    expect(check.recap['nsx-manager']).toMatchObject({ changed: 1 });
    expect(nsx.writeCount()).toBe(writes);
    const run = await tsplay(profile);
    expect(run.recap['nsx-manager']).toMatchObject({ changed: 1, failed: 0 });
    expect(nsx.state.get('/infra/segments/k8s-nodes/segment-security-profile-binding-maps/default')).toMatchObject({ spoofguard_profile_path: '/infra/spoofguard-profiles/tsplay-spoofguard' });
    const after = nsx.writeCount();
    expect((await tsplay(profile)).recap['nsx-manager']).toMatchObject({ changed: 0 });
    expect(nsx.writeCount()).toBe(after);
  });

  it('an unreachable manager: exit 3, the host unreachable, nothing written', { timeout: 120_000 }, async () => {
    const etcd = nsx.state.get(`${RULES}/k8s-etcd`)!;
    nsx.state.patch(`${RULES}/k8s-etcd`, { ...etcd, action: 'DROP' });
    const before = nsx.state.snapshot();
    await nsx.goOffline();
    try {
      const r = await tsplay(args);
      expect(r.code, r.out).toBe(3);
      expect(r.recap['nsx-manager']).toMatchObject({ unreachable: 1 });
      expect(r.out).not.toContain(PASSWORD);
    } finally {
      await nsx.goOnline();
    }
    expect(nsx.state.snapshot()).toBe(before);
  });
});
