import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import aptPin from '../../src/modules/apt_pin.js';
import aptRepo from '../../src/modules/apt_repo.js';
import { defaultPinFile, parseHolds, pinRequests, PinRequestError, preferencesFile } from '../../src/modules/support/apt-pin-file.js';
import { DockerConnection } from '../../src/engine/transport/docker.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { AFTER_CACHE_UPDATE } from '../../src/modules/support/apt-plan.js';
import { dockerInventory, labAvailable, startHosts, type LabHost } from '../lab/index.js';
import { startAptRepo, type FakePackage } from '../lab/apt-repo.js';
import { runModuleOn } from '../helpers/engine-semantics.js';
import { InvalidParams, validateParams } from '../helpers/module-harness.js';
import { stringContaining } from '../helpers/matchers.js';

describe('apt_pin requests and files', () => {
  it.each([
    [['kubeadm=1.34.*', { name: 'kubelet', version: '1.34.1-1.1' }, 'kubectl'], '1.34.2-1.1', [['kubeadm', '1.34.*'], ['kubelet', '1.34.1-1.1'], ['kubectl', '1.34.2-1.1']]],
    [[{ name: 'kubeadm' }], '1.35.*', [['kubeadm', '1.35.*']]],
  ] as const)('%j with version %s', (entries, version, want) => {
    expect(pinRequests(entries, version).map((r) => [r.name, r.version])).toEqual(want);
  });

  it.each([
    [['kubeadm'], undefined, /kubeadm: no version to pin/],
    [['kubeadm=1.34.*', 'kubeadm=1.35.*'], undefined, /kubeadm is named twice/],
  ])('refuses %j', (entries, version, msg) => {
    expect(() => pinRequests(entries, version)).toThrow(PinRequestError);
    expect(() => pinRequests(entries, version)).toThrow(msg);
  });

  it('names the default file so apt reads it', () => {
    expect(defaultPinFile(['kubelet', 'kubeadm', 'kubectl'])).toBe('kubeadm-kubectl-kubelet');
    expect(defaultPinFile(['libfoo1.2', 'g++'])).toBe('g__-libfoo1_2');
  });

  it('writes one stanza per package', () => {
    expect(preferencesFile([{ name: 'kubeadm', version: '1.34.1-1.1' }, { name: 'kubelet', version: '1.34.1-1.1' }], 1001)).toBe(
      'Explanation: managed by tsplay apt_pin\nPackage: kubeadm\nPin: version 1.34.1-1.1\nPin-Priority: 1001\n\nExplanation: managed by tsplay apt_pin\nPackage: kubelet\nPin: version 1.34.1-1.1\nPin-Priority: 1001\n',
    );
  });

  it('reads apt-mark showhold', () => expect([...parseHolds('kubeadm\nkubelet:amd64\n\n')]).toEqual(['kubeadm', 'kubelet']));
});

describe('apt_pin params', () => {
  it.each([
    ['no name', {}, /is missing required parameter 'name'/],
    ['an empty list', { name: [] }, /\(name\): must NOT have fewer than 1 items/],
    ['a package name with spaces', { name: 'kube adm=1.34.*' }, /\(name\): expected a string that must match pattern/],
    ['a pin file apt would skip', { name: 'kubeadm=1.34.*', pin_file: 'k8s.conf' }, /\(pin_file\): expected a string that must match pattern/],
    ['a priority that does not keep the version', { name: 'kubeadm=1.34.*', priority: 500 }, /\(priority\): must be >= 501/],
    ['an unknown field in an entry', { name: [{ name: 'kubeadm', versoin: '1' }] }, /unknown parameter/],
  ])('rejects %s', (_n, params, msg) => {
    expect(() => validateParams(aptPin, params)).toThrow(InvalidParams);
    expect(() => validateParams(aptPin, params)).toThrow(msg);
  });
});

const ready = await labAvailable(['systemd']);
const K8S = ['kubeadm', 'kubelet', 'kubectl'];
const ROOT = resolve(import.meta.dirname, '../..');

describe.skipIf(!ready)('apt_pin on a systemd lab host (stand-in kubeadm, kubelet, kubectl from a local signed repo)', () => {
  let host: LabHost;
  let conn: DockerConnection;
  beforeAll(async () => {
    [host] = (await startHosts(1, { kind: 'systemd', namePrefix: 'aptpin' })) as [LabHost];
    const pkgs: FakePackage[] = ['1.34.1-1.1', '1.34.2-1.1', '1.35.0-1.1'].flatMap((version) => K8S.map((name) => ({ name, version })));
    const repo = await startAptRepo(host, { 'k8s/deb': pkgs });
    conn = await DockerConnection.open(host.name, host.container);
    // the repository through apt_repo, as a playbook would; no other source is fetched (no internet)
    await host.exec('rm -f /etc/apt/sources.list');
    const added = await runModuleOn(conn, aptRepo, { name: 'kubernetes', url: repo.url('k8s/deb'), key_url: repo.keyUrl });
    expect(added.result.cache_updated).toBe(true);
  }, 120_000);
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
  });

  const versions = async (): Promise<Record<string, string>> => {
    const out = (await host.exec(`dpkg-query -W -f='\${Package} \${db:Status-Abbrev}\${Version}\\n' ${K8S.join(' ')} 2>/dev/null`)).stdout;
    return Object.fromEntries(out.trim().split('\n').filter(Boolean).map((l) => l.split(/\s+/)).map(([n, s, v]) => [n!, s === 'ii' || s === 'hi' ? v! : ''] as const));
  };
  const holds = async (): Promise<string> => (await host.exec('apt-mark showhold')).stdout;
  const pinFile = '/etc/apt/preferences.d/kubeadm-kubectl-kubelet';
  const all = (v: string): Record<string, string> => Object.fromEntries(K8S.map((n) => [n, v]));

  it('pin 1.34.1 on a fresh host: check predicts the installs and changes nothing; the run installs and holds; a rerun does nothing', async () => {
    const params = { name: K8S, version: '1.34.1-1.1' };
    const predicted = await runModuleOn(conn, aptPin, params, { check: true });
    expect(predicted.changed).toBe(true);
    expect(await versions()).toEqual({});
    expect(await holds()).toBe('');
    expect(await host.readFile(pinFile)).toBeNull();
    expect(predicted.plan.summary).toBe(`install kubeadm 1.34.1-1.1, install kubelet 1.34.1-1.1, install kubectl 1.34.1-1.1, write ${pinFile}, hold kubeadm kubelet kubectl`);

    const real = await runModuleOn(conn, aptPin, params);
    expect(real.changed).toBe(true);
    expect(real.plan.diff).toEqual(predicted.plan.diff);
    expect(real.plan.diff).toEqual([
      ...K8S.map((n) => ({ label: n, after: { version: '1.34.1-1.1', held: true } })),
      { label: pinFile, before: '', after: preferencesFile(K8S.map((name) => ({ name, version: '1.34.1-1.1' })), 1001) },
    ]);
    expect(await versions()).toEqual(all('1.34.1-1.1'));
    expect(await holds()).toBe('kubeadm\nkubectl\nkubelet\n');
    expect(await host.readFile(pinFile)).toBe(preferencesFile(K8S.map((name) => ({ name, version: '1.34.1-1.1' })), 1001));
    expect(real.commands.find((c) => c.includes(' install '))).not.toContain('--allow-change-held-packages');
    expect(real.commands.find((c) => c.includes(' install '))).toMatch(/^DEBIAN_FRONTEND=noninteractive /);

    const again = await runModuleOn(conn, aptPin, params);
    expect(again.changed).toBe(false);
    expect(again.plan.summary).toBe('kubeadm kubelet kubectl already pinned');
  }, 180_000);

  it('apt-get upgrade (and a plain apt-get install) leave the pinned versions alone', async () => {
    const policy = (await host.exec('LC_ALL=C apt-cache policy kubeadm')).stdout;
    expect(policy).toMatch(/Candidate: 1\.34\.1-1\.1/);
    expect(policy).toMatch(/\*\*\* 1\.34\.1-1\.1 1001/);
    const up = await host.exec('DEBIAN_FRONTEND=noninteractive apt-get upgrade -y 2>&1; echo rc=$?');
    expect(up.stdout).toMatch(/rc=0\s*$/);
    const plain = await host.exec('DEBIAN_FRONTEND=noninteractive apt-get install -y kubeadm kubelet kubectl 2>&1; echo rc=$?');
    expect(plain.stdout).toMatch(/rc=0\s*$/);
    expect(await versions()).toEqual(all('1.34.1-1.1'));
    expect((await runModuleOn(conn, aptPin, { name: K8S, version: '1.34.1-1.1' })).changed).toBe(false);
  }, 120_000);

  it('a new pin (1.34.2, as {name, version}) upgrades the held packages; check predicts it', async () => {
    const params = { name: K8S.map((name) => ({ name, version: '1.34.2-1.1' })) };
    const predicted = await runModuleOn(conn, aptPin, params, { check: true });
    expect(await versions()).toEqual(all('1.34.1-1.1'));
    expect(predicted.plan.diff?.slice(0, 3)).toEqual(K8S.map((n) => ({ label: n, before: { version: '1.34.1-1.1', held: true }, after: { version: '1.34.2-1.1', held: true } })));
    expect(predicted.plan.diff?.[3]).toMatchObject({ label: pinFile });
    const real = await runModuleOn(conn, aptPin, params);
    expect(real.plan.diff).toEqual(predicted.plan.diff);
    expect(real.result.packages).toEqual(K8S.map((name) => ({ name, action: 'upgrade', from: '1.34.1-1.1', to: '1.34.2-1.1' })));
    expect(real.commands.find((c) => c.includes(' install '))).toContain('--allow-change-held-packages');
    expect(await versions()).toEqual(all('1.34.2-1.1'));
    expect(await holds()).toBe('kubeadm\nkubectl\nkubelet\n');
    expect(await host.readFile(pinFile)).toContain('Pin: version 1.34.2-1.1\n');
    expect((await runModuleOn(conn, aptPin, params)).changed).toBe(false);
  }, 180_000);

  it('going back is refused without allow_downgrade (nothing changes), and done with it', async () => {
    const params = { name: K8S.map((n) => `${n}=1.34.1-1.1`) };
    const pinBefore = await host.readFile(pinFile);
    for (const check of [true, false]) {
      const err = await runModuleOn(conn, aptPin, params, { check }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModuleFailure);
      expect((err as Error).message).toBe(
        'refused to downgrade kubeadm 1.34.2-1.1 → 1.34.1-1.1, kubelet 1.34.2-1.1 → 1.34.1-1.1, kubectl 1.34.2-1.1 → 1.34.1-1.1: set allow_downgrade: true to go back to an older version',
      );
    }
    expect(await versions()).toEqual(all('1.34.2-1.1'));
    expect(await host.readFile(pinFile)).toBe(pinBefore);

    const predicted = await runModuleOn(conn, aptPin, { ...params, allow_downgrade: true }, { check: true });
    const real = await runModuleOn(conn, aptPin, { ...params, allow_downgrade: true });
    expect(real.plan.diff).toEqual(predicted.plan.diff);
    expect(real.result.packages).toEqual(K8S.map((name) => ({ name, action: 'downgrade', from: '1.34.2-1.1', to: '1.34.1-1.1' })));
    expect(await versions()).toEqual(all('1.34.1-1.1'));
    expect((await runModuleOn(conn, aptPin, { ...params, allow_downgrade: true })).changed).toBe(false);
  }, 180_000);

  it('a glob keeps a matching version, picks the newest match for a missing package, and moves across minors when it changes', async () => {
    expect((await runModuleOn(conn, aptPin, { name: K8S, version: '1.34.*' })).changed).toBe(false);
    await host.exec('DEBIAN_FRONTEND=noninteractive apt-get purge -y -q --allow-change-held-packages kubectl');
    const refill = await runModuleOn(conn, aptPin, { name: K8S, version: '1.34.*' });
    expect(refill.result.packages).toEqual([{ name: 'kubectl', action: 'install', from: null, to: '1.34.2-1.1' }]);
    expect(await versions()).toEqual({ kubeadm: '1.34.1-1.1', kubelet: '1.34.1-1.1', kubectl: '1.34.2-1.1' });

    const minor = await runModuleOn(conn, aptPin, { name: K8S, version: '1.35.*' });
    expect(minor.plan.summary).toMatch(/^upgrade kubeadm 1\.34\.1-1\.1 → 1\.35\.0-1\.1, upgrade kubelet 1\.34\.1-1\.1 → 1\.35\.0-1\.1, upgrade kubectl 1\.34\.2-1\.1 → 1\.35\.0-1\.1, rewrite /);
    expect(await versions()).toEqual(all('1.35.0-1.1'));
    expect((await runModuleOn(conn, aptPin, { name: K8S, version: '1.35.*' })).changed).toBe(false);
  }, 180_000);

  it('a version the repository does not have is a clear error before anything runs', async () => {
    const err = await runModuleOn(conn, aptPin, { name: 'kubeadm=1.36.*' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toBe("No package matching 'kubeadm=1.36.*' is available (known versions: 1.35.0-1.1, 1.34.2-1.1, 1.34.1-1.1)");
    expect(await versions()).toEqual(all('1.35.0-1.1'));
  });

  it('a failed install leaves the pin file, holds and versions as they were', async () => {
    const pinBefore = await host.readFile(pinFile);
    await host.exec('apt-get clean && mv /srv/tsplay-apt/k8s/deb/kubelet_1.34.2-1.1_all.deb /srv/tsplay-apt/kubelet.deb.away');
    try {
      const err = await runModuleOn(conn, aptPin, { name: K8S, version: '1.34.2-1.1', allow_downgrade: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModuleFailure);
      expect((err as Error).message).toMatch(/^apt-get install failed: [\s\S]*kubelet_1\.34\.2-1\.1_all\.deb/);
    } finally {
      await host.exec('mv /srv/tsplay-apt/kubelet.deb.away /srv/tsplay-apt/k8s/deb/kubelet_1.34.2-1.1_all.deb');
    }
    expect(await versions()).toEqual(all('1.35.0-1.1'));
    expect(await host.readFile(pinFile)).toBe(pinBefore);
    expect(await holds()).toBe('kubeadm\nkubectl\nkubelet\n');
  }, 120_000);

  it('check cannot refresh the cache: a version it does not know yet is predicted as coming from a repository an earlier task adds', async () => {
    // with no earlier predicted change nothing can add it: check fails as the real run would
    const alone = await runModuleOn(conn, aptPin, { name: 'kubeadm=1.36.*' }, { check: true }).catch((e: unknown) => e);
    expect(alone).toBeInstanceOf(ModuleFailure);
    const predicted = await runModuleOn(conn, aptPin, { name: 'kubeadm=1.36.*' }, { check: true, earlierChangesPredicted: true });
    expect(predicted.warnings.join('\n')).toMatch(/assuming an earlier task adds its repository/);
    expect(predicted.changed).toBe(true);
    expect(predicted.plan.diff?.[0]).toEqual({ label: 'kubeadm', before: { version: '1.35.0-1.1', held: true }, after: { version: AFTER_CACHE_UPDATE, held: true } });
    expect(predicted.plan.diff?.[1]).toMatchObject({ label: '/etc/apt/preferences.d/kubeadm', after: stringContaining('Pin: version 1.36.*\n') });
  });
});

/**
 * apt_repo then apt_pin in one playbook through the built CLI (npm run build),
 * on a fresh host: check cannot refresh the cache, so apt_pin's check must
 * lean on the repository apt_repo would add; it predicts both changes and
 * changes nothing, the run makes them, a rerun changes nothing.
 */
describe.skipIf(!ready)('apt_repo + apt_pin in one playbook (CLI, fresh host)', () => {
  let host: LabHost;
  let dir: string;
  beforeAll(async () => {
    [host] = (await startHosts(1, { kind: 'systemd', namePrefix: 'aptplay' })) as [LabHost];
    const repo = await startAptRepo(host, { 'core:/stable:/v1.34/deb': ['1.34.1-1.1', '1.34.2-1.1'].flatMap((version) => K8S.map((name) => ({ name, version }))) });
    await host.exec('rm -f /etc/apt/sources.list');
    dir = await mkdtemp(join(tmpdir(), 'tsplay-aptplay-'));
    await writeFile(join(dir, 'inventory.yml'), dockerInventory([host], 'nodes'));
    await writeFile(
      join(dir, 'play.yml'),
      [
        '- hosts: nodes',
        '  gather_facts: false',
        '  tasks:',
        '    - apt_repo:',
        '        name: kubernetes',
        `        url: ${repo.url('core:/stable:/v1.34/deb')}`,
        `        key_url: ${repo.keyUrl}`,
        '    - apt_pin:',
        '        name: [kubeadm, kubelet, kubectl]',
        '        version: "1.34.*"',
        '',
      ].join('\n'),
    );
  }, 120_000);
  afterAll(async () => {
    await host?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const cli = (...extra: string[]): { code: number; out: string } => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/tsplay.js'), join(dir, 'play.yml'), '-i', join(dir, 'inventory.yml'), ...extra], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 240_000 });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  };
  const state = async (): Promise<string> => (await host.exec('ls /etc/apt/keyrings /etc/apt/sources.list.d /etc/apt/preferences.d; dpkg -l | md5sum; apt-mark showhold')).stdout;

  it('--check predicts both changes and changes nothing; the run makes them; a rerun changes nothing', async () => {
    const before = await state();
    const check = cli('--check', '--diff');
    expect(check.code, check.out).toBe(0);
    expect(check.out).toMatch(/aptplay1\s+: ok=2 changed=2 unreachable=0 failed=0/);
    expect(check.out).toContain('+deb [signed-by=/etc/apt/keyrings/kubernetes.gpg]');
    expect(check.out).toContain(AFTER_CACHE_UPDATE);
    expect(await state()).toBe(before);

    const run = cli('--diff');
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/aptplay1\s+: ok=2 changed=2 unreachable=0 failed=0/);
    expect((await host.exec(`dpkg-query -W -f='\${Version} ' ${K8S.join(' ')}`)).stdout).toBe('1.34.2-1.1 1.34.2-1.1 1.34.2-1.1 ');

    const again = cli('--check');
    expect(again.out).toMatch(/aptplay1\s+: ok=2 changed=0 unreachable=0 failed=0/);
    const rerun = cli();
    expect(rerun.out).toMatch(/aptplay1\s+: ok=2 changed=0 unreachable=0 failed=0/);
  }, 300_000);
});
