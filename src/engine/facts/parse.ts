/** Parsing the gathering command's output into Facts: a pure function of the text. */
import { splitSections } from './command.js';
import { parseDefaultIpv4, parseInterfaces } from './parse-net.js';
import type { Facts } from './types.js';

function osRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

/** os-release ID → Ansible's distribution name. */
const DISTRIBUTION: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Ubuntu', raspbian: 'Debian', linuxmint: 'Linux Mint', pop: 'Pop!_OS', kali: 'Kali',
  rhel: 'RedHat', centos: 'CentOS', fedora: 'Fedora', rocky: 'Rocky', almalinux: 'AlmaLinux', ol: 'OracleLinux', amzn: 'Amazon',
  sles: 'SLES', opensuse: 'openSUSE', 'opensuse-leap': 'openSUSE Leap', 'opensuse-tumbleweed': 'openSUSE Tumbleweed',
  arch: 'Archlinux', alpine: 'Alpine', gentoo: 'Gentoo',
};

/** Distribution name → Ansible's os_family. */
const FAMILY_BY_ID: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Debian', raspbian: 'Debian', linuxmint: 'Debian', pop: 'Debian', kali: 'Debian',
  rhel: 'RedHat', centos: 'RedHat', fedora: 'RedHat', rocky: 'RedHat', almalinux: 'RedHat', ol: 'RedHat', amzn: 'RedHat',
  sles: 'Suse', opensuse: 'Suse', 'opensuse-leap': 'Suse', 'opensuse-tumbleweed': 'Suse',
  arch: 'Archlinux', alpine: 'Alpine', gentoo: 'Gentoo',
};

function osFamily(id: string, idLike: string): string {
  for (const candidate of [id, ...idLike.split(/\s+/)]) {
    const f = FAMILY_BY_ID[candidate];
    if (f) return f;
  }
  return id ? (DISTRIBUTION[id] ?? capitalise(id)) : 'unknown';
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function meminfoMb(text: string, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
  return m ? Math.floor(Number(m[1]) / 1024) : 0;
}

export function parseFacts(stdout: string): Facts {
  const s = splitSections(stdout);
  const get = (name: string): string => s.get(name) ?? '';
  const os = osRelease(get('os-release'));
  const id = (os.ID ?? '').toLowerCase();
  const debianVersion = get('debian-version').trim();
  const [system = 'Linux', kernel = '', architecture = '', nodename = '', kernelVersion = ''] = get('uname').split('\n').map((l) => l.trim());
  const version = id === 'debian' && /^\d/.test(debianVersion) ? debianVersion : (os.VERSION_ID ?? '');
  const hostname = (get('hostname').trim() || nodename).split('.')[0] ?? '';
  const fqdn = get('fqdn').trim() || nodename || hostname;
  const interfaces = parseInterfaces(get('addr'), get('link'), get('sys-net'));
  const init = get('init').split('\n').map((l) => l.trim());
  const pid1 = init[0] ?? '';
  const python = get('python').trim().split('\n')[0] ?? '';
  return {
    system,
    osFamily: osFamily(id, (os.ID_LIKE ?? '').toLowerCase()),
    distribution: DISTRIBUTION[id] ?? (os.NAME ? (os.NAME.split(' ')[0] ?? id) : 'unknown'),
    distributionVersion: version,
    distributionMajorVersion: version.split('.')[0] ?? '',
    distributionRelease: os.VERSION_CODENAME ?? /\(([a-z]+)\)/.exec(os.VERSION ?? '')?.[1] ?? '',
    kernel,
    kernelVersion,
    architecture,
    hostname,
    nodename,
    fqdn,
    domain: fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '',
    defaultIpv4: parseDefaultIpv4(get('route'), get('proc-route'), interfaces),
    interfaces,
    memTotalMb: meminfoMb(get('meminfo'), 'MemTotal'),
    memFreeMb: meminfoMb(get('meminfo'), 'MemFree'),
    swapTotalMb: meminfoMb(get('meminfo'), 'SwapTotal'),
    swapFreeMb: meminfoMb(get('meminfo'), 'SwapFree'),
    processorVcpus: Number(get('nproc').trim()) || 0,
    serviceMgr: pid1 === 'systemd' || init.includes('systemd-booted') ? 'systemd' : pid1 || 'unknown',
    pythonExecutable: python.startsWith('/') ? python : null,
  };
}
