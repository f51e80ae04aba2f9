import { describe, expect, it } from 'vitest';
import { aptCacheAge, aptHolds, aptPolicy, aptSimulatedRemovals, aptSourcesNaming, dpkgPackages, downloadedKey } from '../../../src/modules/probes/apt.js';
import { expectProbe } from './probe-table.js';

describe('apt probes: commands', () => {
  it('quote every package name and keep apt in the C locale', () => {
    expect(dpkgPackages.command(['nginx', "x'y"])).toBe("dpkg-query -W -f='${Package}\\t${Version}\\t${db:Status-Abbrev}\\n' nginx 'x'\\''y'");
    expect(aptPolicy.command(['containerd'])).toBe('LC_ALL=C apt-cache policy containerd');
    expect(aptSimulatedRemovals.command(['--autoremove', 'remove', 'nginx'])).toBe('LC_ALL=C apt-get -s -q --autoremove remove nginx');
    expect(aptSourcesNaming.command('https://pkgs.k8s.io/core:/stable:/v1.34/deb/')).toContain('grep -rlF -- https://pkgs.k8s.io/core:/stable:/v1.34/deb ');
  });
});

describe('apt probes: output → value', () => {
  it.each([
    { name: 'installed and config-files', args: ['nginx', 'vim'], stdout: 'nginx\t1.22.1-9\tii \nvim\t2:9.0\trc \n', exitCode: 0 },
    { name: 'one unknown to dpkg (exit 1) is just absent', args: ['nginx', 'nope'], stdout: 'nginx\t1.22.1-9\tii \n', exitCode: 1 },
  ])('dpkgPackages: $name', (c) => {
    const v = dpkgPackages.parse({ stdout: c.stdout, stderr: '', exitCode: c.exitCode }, c.args);
    expect(v.get('nginx')).toEqual({ name: 'nginx', version: '1.22.1-9', status: 'installed' });
    expect(v.has('nope')).toBe(false);
  });
  it('dpkgPackages: exit 2 is a failure naming dpkg-query', () => {
    expectProbe(dpkgPackages, { name: 'broken', args: ['x'], exitCode: 2, stderr: 'dpkg-query: error: parsing file', error: /^dpkg-query failed: dpkg-query: error: parsing file$/ });
  });

  it('aptPolicy: installed, candidate and versions per package', () => {
    const stdout = ['kubeadm:', '  Installed: (none)', '  Candidate: 1.34.2-1.1', '  Version table:', '     1.34.2-1.1 500', '        500 http://x  Packages', '     1.34.1-1.1 500', ''].join('\n');
    const v = aptPolicy.parse({ stdout, stderr: '', exitCode: 0 }, ['kubeadm']);
    expect(v.get('kubeadm')).toMatchObject({ installed: null, candidate: '1.34.2-1.1' });
    expectProbe(aptPolicy, { name: 'fails', args: ['x'], exitCode: 100, stderr: 'E: cache broken', error: /^apt-cache policy failed: E: cache broken$/ });
  });

  it.each([
    { name: 'holds, architecture stripped', args: undefined, stdout: 'kubelet\nkubeadm:amd64\n', value: new Set(['kubelet', 'kubeadm']) },
    { name: 'none', args: undefined, stdout: '', value: new Set<string>() },
    { name: 'apt-mark fails', args: undefined, exitCode: 1, stderr: 'E: x', error: /^apt-mark showhold failed: E: x$/ },
  ])('aptHolds: $name', (c) => expectProbe(aptHolds, c));

  it.each([
    { name: 'updated 300 s ago', args: undefined, stdout: '1700000000\n1700000300\n', value: 300 },
    { name: 'never updated', args: undefined, stdout: 'none\n1700000300\n', value: null },
    { name: 'garbage', args: undefined, stdout: '', value: null },
  ])('aptCacheAge: $name', (c) => expectProbe(aptCacheAge, c));

  it.each([
    { name: 'removals and purges', args: ['autoremove'], stdout: 'Remv libfoo1 [1.0]\nPurg libbar [2]\nInst x\n', value: ['libfoo1', 'libbar'] },
    { name: 'nothing', args: ['autoremove'], stdout: '0 upgraded\n', value: [] },
    { name: 'fails', args: ['autoremove'], exitCode: 100, stderr: 'E: locked', error: /^apt-get -s autoremove failed: E: locked$/ },
  ])('aptSimulatedRemovals: $name', (c) => expectProbe(aptSimulatedRemovals, c));

  it.each([
    { name: 'two files name it (grep exit 0)', args: 'https://x/', stdout: '/etc/apt/sources.list.d/a.list\n/etc/apt/sources.list.d/b.sources\n', value: ['/etc/apt/sources.list.d/a.list', '/etc/apt/sources.list.d/b.sources'] },
    { name: 'none (grep exit 1)', args: 'https://x/', exitCode: 1, value: [] },
    { name: 'an unreadable sources.list (grep exit 2) keeps what was found', args: 'https://x/', exitCode: 2, stdout: '/etc/apt/sources.list.d/a.list\n', value: ['/etc/apt/sources.list.d/a.list'] },
  ])('aptSourcesNaming: $name', (c) => expectProbe(aptSourcesNaming, c));

  it.each([
    { name: 'base64 of the bytes', args: 'https://k/Release.key', stdout: `${Buffer.from([0x99, 0x01, 0x0d]).toString('base64')}\n`, value: Buffer.from([0x99, 0x01, 0x0d]) },
    { name: 'curl fails', args: 'https://k/Release.key', exitCode: 22, stderr: 'curl: (22) 404', error: /^could not fetch key_url https:\/\/k\/Release\.key: curl: \(22\) 404; nothing was written$/ },
  ])('downloadedKey: $name', (c) => expectProbe(downloadedKey, c));
});
