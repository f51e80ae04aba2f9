import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAvailable, startHosts, type LabHost } from './index.js';
import { controlFields, packagesStanza, releaseFile, startAptRepo, type AptRepoFixture } from './apt-repo.js';

describe('apt repository fixture: index files', () => {
  it('writes a Packages stanza with the file, its size and hashes', () => {
    const stanza = packagesStanza(controlFields({ name: 'kubeadm', version: '1.34.1-1.1' }), 'kubeadm_1.34.1-1.1_all.deb', Buffer.from('abc'));
    expect(stanza.split('\n')).toEqual([
      'Package: kubeadm',
      'Version: 1.34.1-1.1',
      'Architecture: all',
      'Maintainer: tsplay tests <tests@tsplay.test>',
      'Section: admin',
      'Priority: optional',
      'Description: stand-in kubeadm for tsplay tests',
      'Filename: ./kubeadm_1.34.1-1.1_all.deb',
      'Size: 3',
      'MD5sum: 900150983cd24fb0d6963f7d28e17f72',
      'SHA256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    ]);
  });

  it('writes a Release naming the Packages index', () => {
    const release = releaseFile(Buffer.from('abc'), new Date(Date.UTC(2026, 10, 23, 12, 0, 0)));
    expect(release).toContain('Date: Mon, 23 Nov 2026 12:00:00 UTC\n');
    expect(release).toContain('SHA256:\n ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 3 Packages\n');
  });
});

const ready = await labAvailable(['systemd']);

describe.skipIf(!ready)('apt repository fixture in a systemd lab host', () => {
  let host: LabHost;
  let repo: AptRepoFixture;
  beforeAll(async () => {
    [host] = (await startHosts(1, { kind: 'systemd', namePrefix: 'aptfix' })) as [LabHost];
    repo = await startAptRepo(host, {
      'core:/stable:/v1.34/deb': [
        { name: 'kubeadm', version: '1.34.1-1.1' },
        { name: 'kubeadm', version: '1.34.2-1.1' },
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await host?.stop();
  });

  const update = (list: string): Promise<{ exitCode: number; stdout: string; stderr: string }> =>
    host.exec(`apt-get update --error-on=any -o Dir::Etc::SourceList=${list} -o Dir::Etc::SourceParts=- -o APT::Get::List-Cleanup=0 2>&1`);

  it('is a signed flat repository apt accepts the way pkgs.k8s.io is set up', async () => {
    expect((await host.exec(`curl -fsS ${repo.keyUrl}`)).stdout).toBe(repo.armoredKey);
    const setup = await host.exec(
      `curl -fsSL ${repo.keyUrl} | gpg --dearmor -o /etc/apt/keyrings/fixture.gpg && echo 'deb [signed-by=/etc/apt/keyrings/fixture.gpg] ${repo.url('core:/stable:/v1.34/deb')} /' > /etc/apt/sources.list.d/fixture.list`,
    );
    expect(setup.exitCode).toBe(0);
    const up = await update('/etc/apt/sources.list.d/fixture.list');
    expect(up.stdout).not.toMatch(/^[WE]:/m);
    expect(up.exitCode).toBe(0);
    const policy = (await host.exec('LC_ALL=C apt-cache policy kubeadm')).stdout;
    expect(policy).toMatch(/Candidate: 1\.34\.2-1\.1/);
    expect(policy).toMatch(/1\.34\.1-1\.1 500/);
    const install = await host.exec('DEBIAN_FRONTEND=noninteractive apt-get install -y -q kubeadm=1.34.1-1.1 2>&1 && kubeadm');
    expect(install.exitCode).toBe(0);
    expect(install.stdout.trim().split('\n').at(-1)).toBe('kubeadm 1.34.1-1.1');
  }, 120_000);

  // without --error-on=any apt-get update exits 0 here: old lists from the first test are "used instead"
  it('is refused by apt with another key (the signature is checked)', async () => {
    const other = await host.exec(
      `export GNUPGHOME=$(mktemp -d) && gpg -q --batch --pinentry-mode loopback --passphrase '' --quick-gen-key 'other <o@x>' ed25519 sign never && gpg --export > /etc/apt/keyrings/other.gpg && echo 'deb [signed-by=/etc/apt/keyrings/other.gpg] ${repo.url('core:/stable:/v1.34/deb')} /' > /etc/apt/sources.list.d/other.list`,
    );
    expect(other.exitCode).toBe(0);
    const up = await update('/etc/apt/sources.list.d/other.list');
    expect(up.stdout).toMatch(/NO_PUBKEY|not signed|signatures couldn't be verified/);
    expect(up.exitCode).not.toBe(0);
  }, 60_000);
});
