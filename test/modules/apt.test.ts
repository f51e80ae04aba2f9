import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import apt from '../../src/modules/apt.js';
import { parseAptPolicy, parseDpkgQuery, parsePackageRequest, parseSimulatedRemovals, versionMatches } from '../../src/modules/support/apt-packages.js';
import { AFTER_CACHE_UPDATE, AptPlanError, planPackages, needsPolicy, packageDiff, type AptWanted } from '../../src/modules/support/apt-plan.js';
import { aptGet, parseCacheAge } from '../../src/modules/support/apt-commands.js';
import { DockerConnection } from '../../src/engine/transport/docker.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { labAvailable, startHosts, type LabHost } from '../lab/index.js';
import { runModuleOn } from '../helpers/engine-semantics.js';
import { InvalidParams, validateParams } from '../helpers/module-harness.js';
import { anyOf } from '../helpers/matchers.js';

/** Captured in the lab image (Debian 12, bookworm main only) after `apt-get update`; nginx's table is the shape apt prints with security updates. */
const POLICY = `sl:
  Installed: (none)
  Candidate: 5.02-1+b1
  Version table:
     5.02-1+b1 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
bash:
  Installed: 5.2.15-2+b13
  Candidate: 5.2.15-2+b13
  Version table:
 *** 5.2.15-2+b13 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
        100 /var/lib/dpkg/status
nginx:
  Installed: 1.22.1-9
  Candidate: 1.22.1-9+deb12u2
  Version table:
     1.22.1-9+deb12u2 500
        500 http://security.debian.org/debian-security bookworm-security/main amd64 Packages
 *** 1.22.1-9 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
        100 /var/lib/dpkg/status
     1.18.0-6 -1
        100 /var/lib/dpkg/status
`;

const DPKG = 'bash\t5.2.15-2+b13\tii \nnginx\t1.22.1-9\tii \nold-conf\t1.0-1\trc \n';

describe('apt parsers', () => {
  it('reads apt-cache policy', () => {
    const p = parseAptPolicy(POLICY);
    expect([...p.keys()]).toEqual(['sl', 'bash', 'nginx']);
    expect(p.get('sl')).toEqual({ name: 'sl', installed: null, candidate: '5.02-1+b1', versions: ['5.02-1+b1'] });
    expect(p.get('nginx')?.versions).toEqual(['1.22.1-9+deb12u2', '1.22.1-9', '1.18.0-6']);
  });

  it('reads dpkg-query', () => {
    const d = parseDpkgQuery(DPKG);
    expect(d.get('bash')).toEqual({ name: 'bash', version: '5.2.15-2+b13', status: 'installed' });
    expect(d.get('old-conf')?.status).toBe('config-files');
    expect(d.has('sl')).toBe(false);
  });

  it.each([
    ['nginx', { name: 'nginx' }],
    ['nginx=1.22.1-9', { name: 'nginx', version: '1.22.1-9' }],
    ['nginx=1.22.*', { name: 'nginx', version: '1.22.*' }],
  ])('request %s', (spec, req) => expect(parsePackageRequest(spec)).toEqual(req));

  it.each([
    ['1.22.1-9', '1.22.*', true],
    ['1.22.1-9', '1.22.1-9', true],
    ['1.22.1-9+deb12u2', '1.22.1-9', false],
    ['1.22.1-9+deb12u2', '1.22.1-9+*', true],
    ['2.0', '1.?', false],
    ['1.5', '1.[0-5]', true],
  ])('%s matches %s: %s', (v, want, ok) => expect(versionMatches(v, want)).toBe(ok));

  it('reads simulated autoremovals and the cache age', () => {
    expect(parseSimulatedRemovals('Reading...\nRemv libncurses6 [6.4-4]\nRemv libtext-charwidth-perl [0.04-11]\n')).toEqual(['libncurses6', 'libtext-charwidth-perl']);
    expect(parseCacheAge('1700000000\n1700000100\n')).toBe(100);
    expect(parseCacheAge('none\n1700000100\n')).toBeNull();
  });

  it('builds non-interactive apt-get lines, quoted', () => {
    expect(aptGet(['install', 'nginx=1.22.*'])).toBe(
      "DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold -o DPkg::Lock::Timeout=120 install 'nginx=1.22.*'",
    );
  });
});

describe('planPackages', () => {
  const installed = parseDpkgQuery(DPKG);
  const policy = parseAptPolicy(POLICY);
  const want = (names: string[], extra: Partial<AptWanted> = {}): AptWanted => ({ packages: names.map(parsePackageRequest), state: 'present', purge: false, allowDowngrade: false, ...extra });
  const cases: { name: string; want: AptWanted; changes: [string, string, string | null, string | null, string][] }[] = [
    { name: 'present, installed', want: want(['bash', 'nginx']), changes: [] },
    { name: 'present, missing', want: want(['sl']), changes: [['sl', 'install', null, '5.02-1+b1', 'sl']] },
    { name: 'latest upgrades', want: want(['nginx', 'bash'], { state: 'latest' }), changes: [['nginx', 'upgrade', '1.22.1-9', '1.22.1-9+deb12u2', 'nginx']] },
    { name: 'pinned version already there', want: want(['nginx=1.22.1-9']), changes: [] },
    { name: 'pinned glob already matches', want: want(['nginx=1.22.*']), changes: [] },
    { name: 'pinned newer version', want: want(['nginx=1.22.1-9+deb12u2']), changes: [['nginx', 'upgrade', '1.22.1-9', '1.22.1-9+deb12u2', 'nginx=1.22.1-9+deb12u2']] },
    { name: 'glob picks the highest match', want: want(['nginx=1.22.1-9+*']), changes: [['nginx', 'upgrade', '1.22.1-9', '1.22.1-9+deb12u2', 'nginx=1.22.1-9+deb12u2']] },
    { name: 'allowed downgrade', want: want(['nginx=1.18.*'], { allowDowngrade: true }), changes: [['nginx', 'downgrade', '1.22.1-9', '1.18.0-6', 'nginx=1.18.0-6']] },
    { name: 'absent removes', want: want(['nginx', 'sl'], { state: 'absent' }), changes: [['nginx', 'remove', '1.22.1-9', null, 'nginx']] },
    { name: 'absent with purge also purges leftovers', want: want(['nginx', 'old-conf'], { state: 'absent', purge: true }), changes: [['nginx', 'purge', '1.22.1-9', null, 'nginx'], ['old-conf', 'purge', null, null, 'old-conf']] },
    { name: 'absent of another version keeps it', want: want(['nginx=1.18.*'], { state: 'absent' }), changes: [] },
    { name: 'unknown package while a cache update is pending', want: want(['cowsay'], { cacheUpdatePending: true }), changes: [['cowsay', 'install', null, AFTER_CACHE_UPDATE, 'cowsay']] },
  ];
  it.each(cases)('$name', ({ want: w, changes }) => {
    const planned = planPackages(w, installed, policy).map((c) => [c.name, c.action, c.from, c.to, c.arg]);
    expect(planned).toEqual(changes);
  });

  it.each([
    ['unknown package', want(['cowsay']), /No package matching 'cowsay' is available/],
    ['unknown version', want(['sl=9.*']), /No package matching 'sl=9\.\*' is available \(known versions: 5\.02-1\+b1\)/],
    ['downgrade not allowed', want(['nginx=1.18.0-6']), /would downgrade it from 1\.22\.1-9; set allow_downgrade/],
  ])('refuses: %s', (_n, w, msg) => {
    expect(() => planPackages(w, installed, policy)).toThrow(AptPlanError);
    expect(() => planPackages(w, installed, policy)).toThrow(msg);
  });

  it('asks apt-cache only about packages whose candidate matters', () => {
    expect(needsPolicy(want(['bash', 'sl', 'nginx=1.22.*']), installed)).toEqual(['sl', 'nginx']);
    expect(needsPolicy(want(['bash'], { state: 'latest' }), installed)).toEqual(['bash']);
    expect(needsPolicy(want(['bash'], { state: 'absent' }), installed)).toEqual([]);
  });

  it('diffs installed → target version', () => {
    expect(packageDiff({ name: 'nginx', action: 'upgrade', from: '1', to: '2', arg: 'nginx' })).toEqual({ label: 'nginx', before: { version: '1' }, after: { version: '2' } });
    expect(packageDiff({ name: 'sl', action: 'install', from: null, to: '5', arg: 'sl' })).toEqual({ label: 'sl', after: { version: '5' } });
    expect(packageDiff({ name: 'x', action: 'purge', from: null, to: null, arg: 'x' })).toEqual({ label: 'x', before: { config_files: true } });
  });
});

describe('apt params', () => {
  it.each([[{ name: 'sl', state: 'installed' }], [{ name: 'sl', cache_valid_time: -1 }], [{ name: 'sl', deb: '/x.deb' }], [{ name: '' }]])('rejects %j', (params) => {
    expect(() => validateParams(apt, params)).toThrow(InvalidParams);
  });
});

const ready = await labAvailable(['systemd']);

describe.skipIf(!ready)('apt module on a systemd lab host (Debian mirror)', () => {
  let host: LabHost;
  let conn: DockerConnection;
  beforeAll(async () => {
    [host] = (await startHosts(1, { kind: 'systemd', namePrefix: 'apt' })) as [LabHost];
    conn = await DockerConnection.open(host.name, host.container);
  }, 120_000);
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
  });
  const installedVersion = async (pkg: string): Promise<string> =>
    (await host.exec(`dpkg-query -W -f='\${db:Status-Abbrev} \${Version}' ${pkg} 2>/dev/null`)).stdout.trim();
  const listsSnapshot = async (): Promise<string> => (await host.exec('ls -la --time-style=+%s /var/lib/apt/lists; dpkg -l | md5sum')).stdout;

  it('fails clearly for a package the (empty) cache does not know', async () => {
    const err = await runModuleOn(conn, apt, { name: 'sl' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toBe("No package matching 'sl' is available");
  });

  it('update_cache + install: check says the cache comes first and changes nothing; run installs; rerun is a no-op', async () => {
    const before = await listsSnapshot();
    const predicted = await runModuleOn(conn, apt, { name: 'sl', update_cache: true }, { check: true });
    expect(predicted.changed).toBe(true);
    expect(predicted.plan.summary).toMatch(/^update the apt cache first \(plan made from the current cache\); install sl/);
    expect(predicted.plan.diff).toEqual([{ label: 'sl', after: { version: AFTER_CACHE_UPDATE } }]);
    expect(await listsSnapshot()).toBe(before);

    const real = await runModuleOn(conn, apt, { name: 'sl', update_cache: true, install_recommends: false });
    expect(real.changed).toBe(true);
    expect(real.result.cache_updated).toBe(true);
    const version = (await installedVersion('sl')).replace(/^ii\s+/, '');
    expect(await installedVersion('sl')).toMatch(/^ii /);
    expect(real.result.packages).toEqual([{ name: 'sl', action: 'install', from: null, to: version }]);

    const again = await runModuleOn(conn, apt, { name: 'sl', update_cache: true, cache_valid_time: 3600 });
    expect(again.changed).toBe(false);
    expect(again.commands.some((c) => c.includes('apt-get') && c.includes('update'))).toBe(false);
    expect((await runModuleOn(conn, apt, { name: `sl=${version.slice(0, 4)}*` })).changed).toBe(false);
    expect((await runModuleOn(conn, apt, { name: ['sl'], state: 'latest', cache_valid_time: 3600 })).changed).toBe(false);
  }, 300_000);

  it('check predicts an install exactly from a fresh cache', async () => {
    const params = { name: 'cowsay', install_recommends: false, cache_valid_time: 3600 };
    const predicted = await runModuleOn(conn, apt, params, { check: true });
    expect(await installedVersion('cowsay')).toBe('');
    const real = await runModuleOn(conn, apt, params);
    expect(real.changed).toBe(predicted.changed);
    expect(real.plan.diff).toEqual(predicted.plan.diff);
    expect(predicted.plan.diff).toEqual([{ label: 'cowsay', after: { version: (await installedVersion('cowsay')).replace(/^ii\s+/, '') } }]);
    expect((await runModuleOn(conn, apt, params)).changed).toBe(false);
  }, 300_000);

  it('removes with autoremove: check predicts the dependencies, run removes them, rerun is a no-op', async () => {
    const params = { name: 'cowsay', state: 'absent', autoremove: true };
    const predicted = await runModuleOn(conn, apt, params, { check: true });
    expect(predicted.changed).toBe(true);
    const labels = predicted.plan.diff?.map((d) => d.label) ?? [];
    expect(labels[0]).toBe('cowsay');
    expect(labels.length).toBeGreaterThan(1); // cowsay's perl dependencies, installed automatically
    expect(await installedVersion('cowsay')).toMatch(/^ii /);
    await runModuleOn(conn, apt, params);
    expect(await installedVersion('cowsay')).toBe('');
    // what check named for autoremoval is gone; a second run finds nothing
    for (const dep of labels.slice(1)) expect(await installedVersion(dep)).toBe('');
    expect((await runModuleOn(conn, apt, params)).changed).toBe(false);
  }, 300_000);

  it('refuses a version that does not exist, and cache-only runs follow cache_valid_time', async () => {
    await expect(runModuleOn(conn, apt, { name: 'sl=0.0.0' })).rejects.toThrow(/No package matching 'sl=0.0.0' is available/);
    expect((await runModuleOn(conn, apt, { update_cache: true, cache_valid_time: 3600 })).changed).toBe(false);
    expect((await runModuleOn(conn, apt, { update_cache: true }, { check: true })).changed).toBe(true);
  });

  it('absent, then absent again', async () => {
    const r = await runModuleOn(conn, apt, { name: 'sl', state: 'absent', purge: true });
    expect(r.changed).toBe(true);
    expect(r.plan.diff?.[0]?.before).toMatchObject({ version: anyOf(String) });
    expect(await installedVersion('sl')).toBe('');
    expect((await runModuleOn(conn, apt, { name: 'sl', state: 'absent', purge: true })).changed).toBe(false);
  }, 120_000);
});
