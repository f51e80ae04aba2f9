import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { factsCommand, SECTION_MARK, splitSections } from '../../../src/engine/facts/command.js';
import { parseFacts } from '../../../src/engine/facts/parse.js';
import { prefixToNetmask } from '../../../src/engine/facts/parse-net.js';
import { factsToVars } from '../../../src/engine/facts/to-vars.js';

/** Captured from the lab's Debian 12 image: `docker run --hostname web1.example.org IMAGE sh -c "$(factsCommand())"`. */
const container = readFileSync(new URL('./fixtures/debian12-container.txt', import.meta.url), 'utf8');

/** The same host's output with some sections replaced (a host without iproute2, another distribution, ...). */
function withSections(base: string, replace: Record<string, string>): string {
  const s = splitSections(base);
  for (const [k, v] of Object.entries(replace)) s.set(k, v);
  return [...s.entries()].map(([k, v]) => `${SECTION_MARK}${k}\n${v}`).join('\n');
}

const osRelease = (id: string, extra = ''): string => `ID=${id}\n${extra}`;

describe('parseFacts on captured output', () => {
  it('reads a Debian 12 container', () => {
    const f = parseFacts(container);
    expect(f).toMatchObject({
      system: 'Linux',
      osFamily: 'Debian',
      distribution: 'Debian',
      distributionVersion: '12.15',
      distributionMajorVersion: '12',
      distributionRelease: 'bookworm',
      kernel: '6.18.44-fc-v657',
      architecture: 'x86_64',
      hostname: 'web1',
      fqdn: 'web1.example.org',
      domain: 'example.org',
      memTotalMb: 24105,
      swapTotalMb: 0,
      defaultIpv4: { address: '172.17.0.2', interface: 'eth0', gateway: '172.17.0.1', mtu: 1500, prefix: 16, netmask: '255.255.0.0', network: '172.17.0.0', macaddress: '02:42:ac:11:00:02' },
      pythonExecutable: '/usr/bin/python3',
    });
    expect(f.processorVcpus).toBeGreaterThan(0);
    expect(f.interfaces.map((i) => [i.device, i.mtu, i.type, i.active])).toEqual([
      ['lo', 65536, 'loopback', true],
      ['eth0', 1500, 'ether', true],
    ]);
  });

  const variants: { name: string; replace: Record<string, string>; expected: Record<string, unknown> }[] = [
    {
      name: 'no iproute2: /sys/class/net and /proc/net/route',
      replace: { route: '', addr: '', link: '' },
      expected: { defaultIpv4: null, interfaces: [expect.objectContaining({ device: 'eth0', mtu: 1500, macaddress: '02:42:ac:11:00:02' }), expect.objectContaining({ device: 'lo', mtu: 65536 })] },
    },
    {
      name: 'route from /proc/net/route when ip route says nothing',
      replace: { route: '' },
      expected: { defaultIpv4: expect.objectContaining({ address: '172.17.0.2', interface: 'eth0', gateway: '172.17.0.1', mtu: 1500 }) },
    },
    {
      name: 'Ubuntu',
      replace: { 'os-release': osRelease('ubuntu', 'ID_LIKE=debian\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy'), 'debian-version': 'bookworm/sid' },
      expected: { osFamily: 'Debian', distribution: 'Ubuntu', distributionVersion: '22.04', distributionMajorVersion: '22', distributionRelease: 'jammy' },
    },
    {
      name: 'Rocky Linux',
      replace: { 'os-release': osRelease('"rocky"', 'ID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nVERSION="9.3 (Blue Onyx)"'), 'debian-version': '' },
      expected: { osFamily: 'RedHat', distribution: 'Rocky', distributionVersion: '9.3', distributionMajorVersion: '9' },
    },
    {
      name: 'unknown distribution derived through ID_LIKE',
      replace: { 'os-release': osRelease('mydistro', 'ID_LIKE=debian\nNAME="MyDistro Linux"\nVERSION_ID=3'), 'debian-version': '' },
      expected: { osFamily: 'Debian', distribution: 'MyDistro', distributionVersion: '3' },
    },
    { name: 'systemd as PID 1', replace: { init: 'systemd' }, expected: { serviceMgr: 'systemd' } },
    { name: 'systemd booted, PID 1 a wrapper', replace: { init: 'tini\nsystemd-booted' }, expected: { serviceMgr: 'systemd' } },
    { name: 'no python', replace: { python: '' }, expected: { pythonExecutable: null } },
    { name: 'swap', replace: { meminfo: 'MemTotal: 2048000 kB\nMemFree: 1024000 kB\nSwapTotal: 1048576 kB\nSwapFree: 524288 kB' }, expected: { memTotalMb: 2000, memFreeMb: 1000, swapTotalMb: 1024, swapFreeMb: 512 } },
  ];
  it.each(variants)('$name', ({ replace, expected }) => {
    expect(parseFacts(withSections(container, replace))).toMatchObject(expected);
  });

  it('reads several addresses per interface, IPv6 and veth names', () => {
    const f = parseFacts(
      withSections(container, {
        addr: [
          '4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever preferred_lft forever',
          '4: eth0    inet 192.0.2.9/32 scope global eth0\\       valid_lft forever preferred_lft forever',
          '4: eth0    inet6 fd00::2/64 scope global nodad \\       valid_lft forever preferred_lft forever',
        ].join('\n'),
        link: '4: eth0@if9: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc pfifo_fast state UP mode DEFAULT group default qlen 1000\\    link/ether 02:fc:00:00:00:01 brd ff:ff:ff:ff:ff:ff',
        route: '1.0.0.0 via 192.0.2.1 dev eth0 src 192.0.2.9 uid 0',
      }),
    );
    expect(f.interfaces).toHaveLength(1);
    expect(f.interfaces[0]!.ipv4.map((a) => `${a.address}/${a.prefix}`)).toEqual(['192.0.2.2/24', '192.0.2.9/32']);
    expect(f.interfaces[0]!.ipv6).toEqual([{ address: 'fd00::2', prefix: 64, scope: 'global' }]);
    expect(f.defaultIpv4).toMatchObject({ address: '192.0.2.9', prefix: 32, mtu: 1400 });
  });

  it.each([
    [0, '0.0.0.0'],
    [8, '255.0.0.0'],
    [20, '255.255.240.0'],
    [32, '255.255.255.255'],
  ])('prefix %d → %s', (p, mask) => expect(prefixToNetmask(p)).toBe(mask));
});

describe('factsToVars', () => {
  const vars = factsToVars(parseFacts(container));
  it.each([
    ['ansible_distribution', 'Debian'],
    ['ansible_os_family', 'Debian'],
    ['ansible_distribution_major_version', '12'],
    ['ansible_hostname', 'web1'],
    ['ansible_kernel', '6.18.44-fc-v657'],
    ['ansible_architecture', 'x86_64'],
    ['ansible_memtotal_mb', 24105],
    ['ansible_swaptotal_mb', 0],
    ['ansible_service_mgr', 'sh'],
    ['ansible_interfaces', ['lo', 'eth0']],
  ])('%s', (name, value) => expect(vars[name]).toEqual(value));

  it('nests default_ipv4, per-interface facts and ansible_facts', () => {
    expect(vars.ansible_default_ipv4).toMatchObject({ address: '172.17.0.2', interface: 'eth0', mtu: 1500, prefix: '16' });
    expect(vars.ansible_eth0).toMatchObject({ device: 'eth0', mtu: 1500, ipv4: { address: '172.17.0.2', netmask: '255.255.0.0' } });
    const facts = vars.ansible_facts as Record<string, unknown>;
    expect(facts.distribution).toBe('Debian');
    expect(facts.processor_vcpus).toBe(vars.ansible_processor_vcpus);
    expect(vars.ansible_all_ipv4_addresses).toEqual(['172.17.0.2']);
  });

  it('names interfaces the way Ansible does', () => {
    const v = factsToVars(parseFacts(withSections(container, { addr: '', link: '7: br-lan: <UP> mtu 1500 qdisc x\\    link/ether 02:00:00:00:00:07 brd ff:ff:ff:ff:ff:ff' })));
    expect(v.ansible_br_lan).toMatchObject({ device: 'br-lan', mtu: 1500 });
  });
});

describe('factsCommand', () => {
  it('holds one section per fact source, each marked', () => {
    const cmd = factsCommand();
    for (const name of ['os-release', 'uname', 'route', 'addr', 'link', 'meminfo', 'init', 'python']) expect(cmd).toContain(`${SECTION_MARK}${name}`);
  });
});
