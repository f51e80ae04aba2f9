import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import aptRepo from '../../src/modules/apt_repo.js';
import { crc24, dearmor, OpenPgpKeyError, publicKeys, toBinaryKeyring } from '../../src/modules/support/openpgp-key.js';
import { sourceLine, updateOneSource } from '../../src/modules/support/apt-source.js';
import { DockerConnection } from '../../src/engine/transport/docker.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { labAvailable, startHosts, type LabHost } from '../lab/index.js';
import { startAptRepo, type AptRepoFixture } from '../lab/apt-repo.js';
import { runModuleOn } from '../helpers/engine-semantics.js';
import { InvalidParams, validateParams } from '../helpers/module-harness.js';
import { anyOf, stringMatching } from '../helpers/matchers.js';

describe('OpenPGP keys without gpg', () => {
  it('computes the CRC-24 of RFC 4880', () => {
    expect(crc24(Buffer.alloc(0))).toBe(0xb704ce);
  });

  it.each([
    ['HTML instead of a key', '<html>404 Not Found</html>', /not an OpenPGP public key/],
    ['an armored block without END', '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEaw==\n', /no END line/],
    ['a damaged armored block', '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEawRSzxYJKwYBBAHaRw8BAQdA\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----\n', /CRC-24/],
    ['a truncated key packet', '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEawRSzxYJKwYBBAHaRw8BAQdA\n-----END PGP PUBLIC KEY BLOCK-----\n', /truncated/],
  ])('refuses %s', (_n, text, msg) => {
    expect(() => toBinaryKeyring(Buffer.from(text))).toThrow(OpenPgpKeyError);
    expect(() => toBinaryKeyring(Buffer.from(text))).toThrow(msg);
  });

  it('finds no armored block in plain text', () => {
    expect(() => dearmor('hello')).toThrow(/no "-----BEGIN PGP PUBLIC KEY BLOCK-----" found/);
  });
});

describe('apt source entries', () => {
  it.each([
    [{ url: 'https://pkgs.k8s.io/core:/stable:/v1.34/deb/', suite: '/', components: [], keyring: '/etc/apt/keyrings/k.gpg' }, 'deb [signed-by=/etc/apt/keyrings/k.gpg] https://pkgs.k8s.io/core:/stable:/v1.34/deb/ /'],
    [
      { url: 'https://download.docker.com/linux/debian', suite: 'bookworm', components: ['stable'], architectures: ['amd64', 'arm64'], keyring: '/etc/apt/keyrings/docker.gpg' },
      'deb [arch=amd64,arm64 signed-by=/etc/apt/keyrings/docker.gpg] https://download.docker.com/linux/debian bookworm stable',
    ],
  ])('%j', (spec, line) => expect(sourceLine(spec)).toBe(line));

  it('updates one source only, failing on any fetch or signature error', () => {
    expect(updateOneSource('/etc/apt/sources.list.d/k.list')).toMatch(/ update --error-on=any -o Dir::Etc::SourceList=\/etc\/apt\/sources\.list\.d\/k\.list -o Dir::Etc::SourceParts=- -o APT::Get::List-Cleanup=0$/);
  });
});

describe('apt_repo params', () => {
  const ok = { name: 'kubernetes', url: 'https://pkgs.k8s.io/core:/stable:/v1.34/deb/', key_url: 'https://pkgs.k8s.io/core:/stable:/v1.34/deb/Release.key' };
  it('accepts the pkgs.k8s.io form and fills defaults', () => {
    expect(validateParams(aptRepo, ok)).toMatchObject({ suite: '/', components: [], state: 'present', update_cache: true });
    expect(validateParams(aptRepo, { name: 'kubernetes', state: 'absent' })).toMatchObject({ state: 'absent' });
    expect(validateParams(aptRepo, { ...ok, suite: 'bookworm', components: ['main'] })).toMatchObject({ suite: 'bookworm' });
  });
  it.each([
    ['no key', { name: 'k', url: ok.url }, /needs one of 'key', 'key_url'/],
    ['no url', { name: 'k', key_url: ok.key_url }, /is missing required parameter 'url'/],
    ['key and key_url', { ...ok, key: '-----BEGIN PGP PUBLIC KEY BLOCK-----' }, /'key' and 'key_url' cannot be used together/],
    ['components on a flat suite', { ...ok, components: ['main'] }, /\(components\): must NOT have more than 0 items/],
    ['a suite without components', { ...ok, suite: 'bookworm' }, /is missing required parameter 'components'/],
    ['a suite with no components', { ...ok, suite: 'bookworm', components: [] }, /\(components\): must NOT have fewer than 1 items/],
    ['a name apt would skip', { ...ok, name: 'k8s repo' }, /\(name\): expected a string that must match pattern/],
    ['a url with spaces', { ...ok, url: 'https://x/ y' }, /\(url\): expected a string that must match pattern/],
    ['a key_url without scheme', { ...ok, key_url: 'pkgs.k8s.io/Release.key' }, /\(key_url\): expected a string that must match pattern/],
    ['an unknown parameter', { ...ok, repo: 'deb x' }, /unknown parameter/],
  ])('rejects %s', (_n, params, msg) => {
    expect(() => validateParams(aptRepo, params)).toThrow(InvalidParams);
    expect(() => validateParams(aptRepo, params)).toThrow(msg);
  });
});

const ready = await labAvailable(['systemd']);

describe.skipIf(!ready)('apt_repo on a systemd lab host (a signed repository on its 127.0.0.1)', () => {
  let host: LabHost;
  let conn: DockerConnection;
  let repo: AptRepoFixture;
  beforeAll(async () => {
    [host] = (await startHosts(1, { kind: 'systemd', namePrefix: 'aptrepo' })) as [LabHost];
    repo = await startAptRepo(host, {
      'core:/stable:/v1.34/deb': [
        { name: 'kubeadm', version: '1.34.1-1.1' },
        { name: 'kubeadm', version: '1.34.2-1.1' },
      ],
      'core:/stable:/v1.35/deb': [{ name: 'kubeadm', version: '1.35.0-1.1' }],
    });
    conn = await DockerConnection.open(host.name, host.container);
  }, 120_000);
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
  });

  const files = async (name: string): Promise<string> => (await host.exec(`ls -l --time-style=+%s /etc/apt/keyrings/${name}.gpg /etc/apt/sources.list.d/${name}.list 2>&1; md5sum /etc/apt/keyrings/${name}.gpg /etc/apt/sources.list.d/${name}.list 2>&1`)).stdout;
  const policy = async (): Promise<string> => (await host.exec('LC_ALL=C apt-cache policy kubeadm')).stdout;
  const gpgDearmor = async (): Promise<string> => (await host.exec(`curl -fsS ${repo.keyUrl} | gpg --dearmor | base64 -w0`)).stdout;
  const keyLine = (): string => `${repo.fingerprint} ${repo.userId}`;

  it('key_url: check predicts and writes nothing; the run writes key and entry and updates the cache; a rerun changes nothing', async () => {
    const params = { name: 'kubernetes', url: repo.url('core:/stable:/v1.34/deb'), key_url: repo.keyUrl };
    const before = await files('kubernetes');
    const predicted = await runModuleOn(conn, aptRepo, params, { check: true });
    expect(predicted.changed).toBe(true);
    expect(await files('kubernetes')).toBe(before);
    expect(await policy()).toBe('');
    const line = `deb [signed-by=/etc/apt/keyrings/kubernetes.gpg] ${repo.url('core:/stable:/v1.34/deb')} /`;
    expect(predicted.plan.diff).toEqual([
      { label: '/etc/apt/keyrings/kubernetes.gpg', after: { keys: [keyLine()], sha256: stringMatching(/^[0-9a-f]{16}$/) } },
      { label: '/etc/apt/sources.list.d/kubernetes.list', before: '', after: `${line}\n` },
    ]);
    expect(predicted.plan.summary).toBe(`add key ${keyLine()}; add /etc/apt/sources.list.d/kubernetes.list; update the apt cache for it`);

    const real = await runModuleOn(conn, aptRepo, params);
    expect(real.changed).toBe(true);
    expect(real.plan.diff).toEqual(predicted.plan.diff);
    expect(real.result.cache_updated).toBe(true);
    expect(await host.readFile('/etc/apt/sources.list.d/kubernetes.list')).toBe(`${line}\n`);
    expect((await host.exec('base64 -w0 /etc/apt/keyrings/kubernetes.gpg')).stdout).toBe(await gpgDearmor());
    expect((await host.exec('stat -c %a /etc/apt/keyrings/kubernetes.gpg /etc/apt/sources.list.d/kubernetes.list')).stdout).toBe('644\n644\n');
    expect(await policy()).toMatch(/Candidate: 1\.34\.2-1\.1[\s\S]*1\.34\.1-1\.1 500/);

    const again = await runModuleOn(conn, aptRepo, params);
    expect(again.changed).toBe(false);
    expect(again.commands.some((c) => c.includes(' update '))).toBe(false);
  }, 120_000);

  it('a new URL (the next minor) replaces the entry: only the line changes, and the cache follows', async () => {
    const params = { name: 'kubernetes', url: repo.url('core:/stable:/v1.35/deb'), key_url: repo.keyUrl };
    const predicted = await runModuleOn(conn, aptRepo, params, { check: true });
    expect(predicted.plan.diff).toEqual([
      {
        label: '/etc/apt/sources.list.d/kubernetes.list',
        before: `deb [signed-by=/etc/apt/keyrings/kubernetes.gpg] ${repo.url('core:/stable:/v1.34/deb')} /\n`,
        after: `deb [signed-by=/etc/apt/keyrings/kubernetes.gpg] ${repo.url('core:/stable:/v1.35/deb')} /\n`,
      },
    ]);
    const real = await runModuleOn(conn, aptRepo, params);
    expect(real.changed).toBe(true);
    expect(real.plan.diff).toEqual(predicted.plan.diff);
    expect(await host.readFile('/etc/apt/sources.list.d/kubernetes.list')).not.toContain('v1.34');
    expect((await host.exec('grep -rl pkgs /etc/apt/sources.list.d; grep -rc 127.0.0.1 /etc/apt/sources.list.d')).stdout).toBe('/etc/apt/sources.list.d/kubernetes.list:1\n');
    const pol = await policy();
    expect(pol).toMatch(/Candidate: 1\.35\.0-1\.1/);
    expect(pol).not.toMatch(/1\.34\./);
    expect((await runModuleOn(conn, aptRepo, params)).changed).toBe(false);
  }, 120_000);

  it('an inline armored key gives the same keyring as the URL, checked against its fingerprint', async () => {
    const params = { name: 'inline', url: repo.url('core:/stable:/v1.34/deb'), key: repo.armoredKey, fingerprint: repo.fingerprint.replace(/(.{4})/g, '$1 ').toLowerCase().trim(), update_cache: false };
    const real = await runModuleOn(conn, aptRepo, params);
    expect(real.changed).toBe(true);
    expect(real.result).toMatchObject({ fingerprints: [repo.fingerprint], cache_updated: false });
    expect((await host.exec('base64 -w0 /etc/apt/keyrings/inline.gpg')).stdout).toBe(await gpgDearmor());
    expect((await host.exec('gpg --with-colons --show-keys /etc/apt/keyrings/inline.gpg')).stdout).toContain(`fpr:::::::::${repo.fingerprint}:`);
    expect((await runModuleOn(conn, aptRepo, params)).changed).toBe(false);
    // a keyring changed by hand is put back and shown by fingerprint, never as bytes
    await host.exec('printf garbage > /etc/apt/keyrings/inline.gpg');
    const fixed = await runModuleOn(conn, aptRepo, params);
    expect(fixed.plan.diff).toEqual([
      { label: '/etc/apt/keyrings/inline.gpg', before: { keys: ['(not an OpenPGP keyring, 7 bytes)'], sha256: anyOf(String) }, after: { keys: [keyLine()], sha256: anyOf(String) } },
    ]);
    await runModuleOn(conn, aptRepo, { name: 'inline', state: 'absent' });
  }, 120_000);

  it('names other entries of the same repository (apt refuses two signed-by for one URI)', async () => {
    await host.exec(`echo 'deb [signed-by=/usr/share/keyrings/old.gpg] ${repo.url('core:/stable:/v1.34/deb')} /' > /etc/apt/sources.list.d/by-hand.list`);
    try {
      const planned = await runModuleOn(conn, aptRepo, { name: 'kubernetes', url: repo.url('core:/stable:/v1.34/deb'), key: repo.armoredKey, update_cache: false }, { check: true });
      expect(planned.result.other_entries).toEqual(['/etc/apt/sources.list.d/by-hand.list']);
    } finally {
      await host.exec('rm -f /etc/apt/sources.list.d/by-hand.list');
    }
  });

  it.each([
    ['an unreachable key URL', { key_url: 'http://127.0.0.1:9/Release.key' }, /^could not fetch key_url http:\/\/127\.0\.0\.1:9\/Release\.key: curl: \(7\) Failed to connect.*; nothing was written$/s],
    ['a key URL that serves no key', { key_url: `http://127.0.0.1:8081/core:/stable:/v1.34/deb/Packages` }, /^key_url http:.*\/Packages: not an OpenPGP public key/],
    ['another fingerprint', { key_url: 'KEYURL', fingerprint: '0123456789ABCDEF0123456789ABCDEF01234567' }, /the key's fingerprint is [0-9A-F]{40}, not the expected 0123456789ABCDEF0123456789ABCDEF01234567; nothing was written/],
  ])('%s: a clear error, and nothing written (check or run)', async (_n, extra, msg) => {
    const params = { name: 'broken', url: repo.url('core:/stable:/v1.34/deb'), ...extra, ...(extra.key_url === 'KEYURL' ? { key_url: repo.keyUrl } : {}) };
    for (const check of [true, false]) {
      const err = await runModuleOn(conn, aptRepo, params, { check }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModuleFailure);
      expect((err as Error).message).toMatch(msg);
    }
    expect((await host.exec('ls /etc/apt/keyrings /etc/apt/sources.list.d')).stdout).not.toContain('broken');
  }, 60_000);

  it('a repository apt cannot fetch: the cache update fails, the files are put back as they were', async () => {
    const before = await files('kubernetes');
    const err = await runModuleOn(conn, aptRepo, { name: 'kubernetes', url: 'http://127.0.0.1:9/core:/stable:/v1.36/deb/', key_url: repo.keyUrl }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toMatch(/^apt-get update of \/etc\/apt\/sources\.list\.d\/kubernetes\.list failed, so the key and source entry were put back as they were:\n[\s\S]*127\.0\.0\.1:9/);
    expect(await host.readFile('/etc/apt/sources.list.d/kubernetes.list')).toContain('v1.35');
    expect((await host.exec('md5sum /etc/apt/keyrings/kubernetes.gpg /etc/apt/sources.list.d/kubernetes.list')).stdout).toBe(before.split('\n').filter((l) => /^[0-9a-f]{32} /.test(l)).join('\n') + '\n');
    // a new repository that fails leaves nothing behind
    await expect(runModuleOn(conn, aptRepo, { name: 'unfetchable', url: 'http://127.0.0.1:9/deb/', key: repo.armoredKey })).rejects.toThrow(/put back/);
    expect((await host.exec('ls /etc/apt/keyrings /etc/apt/sources.list.d')).stdout).not.toContain('unfetchable');
  }, 120_000);

  it('absent removes key and entry (check predicts, apt stops offering the packages), then does nothing', async () => {
    const predicted = await runModuleOn(conn, aptRepo, { name: 'kubernetes', state: 'absent' }, { check: true });
    expect(predicted.changed).toBe(true);
    expect(predicted.plan.diff?.map((d) => d.label)).toEqual(['/etc/apt/keyrings/kubernetes.gpg', '/etc/apt/sources.list.d/kubernetes.list']);
    expect(predicted.plan.diff?.[0]?.before).toEqual({ keys: [keyLine()], sha256: anyOf(String) });
    expect(await host.readFile('/etc/apt/sources.list.d/kubernetes.list')).not.toBeNull();
    const real = await runModuleOn(conn, aptRepo, { name: 'kubernetes', state: 'absent' });
    expect(real.changed).toBe(true);
    expect(await files('kubernetes')).toMatch(/No such file[\s\S]*No such file/);
    expect(await policy()).toBe('');
    expect((await runModuleOn(conn, aptRepo, { name: 'kubernetes', state: 'absent' })).changed).toBe(false);
  }, 60_000);
});

describe('publicKeys', () => {
  it('reads nothing from an empty keyring', () => expect(publicKeys(Buffer.alloc(0))).toEqual([]));
});
