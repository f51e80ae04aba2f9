/** Network facts from `ip -o addr/link`, `ip route get`, with /sys/class/net and /proc/net/route as fallbacks. */
import type { DefaultIpv4, Ipv4Address, Ipv6Address, NetInterface } from './types.js';

export function prefixToNetmask(prefix: number): string {
  const bits = prefix <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefix, 32))) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
}

function networkOf(address: string, prefix: number): string {
  const mask = prefixToNetmask(prefix).split('.').map(Number);
  return address
    .split('.')
    .map((o, i) => Number(o) & (mask[i] ?? 0))
    .join('.');
}

/** `eth0@if5` → `eth0` */
function deviceName(raw: string): string {
  return raw.replace(/:$/, '').replace(/@.*$/, '');
}

interface LinkInfo {
  mtu: number | null;
  macaddress: string | null;
  active: boolean;
  type: string;
}

function parseLinks(link: string, sysNet: string): Map<string, LinkInfo> {
  const out = new Map<string, LinkInfo>();
  for (const line of link.split('\n')) {
    const m = /^\d+:\s+(\S+?):?\s+<([^>]*)>.*?\bmtu (\d+)/.exec(line);
    if (!m) continue;
    const mac = /link\/(\S+)(?:\s+([0-9a-f:]{17}))?/.exec(line);
    out.set(deviceName(m[1]!), {
      mtu: Number(m[3]),
      macaddress: mac?.[2] ?? null,
      active: m[2]!.split(',').includes('UP'),
      type: mac?.[1] ?? 'unknown',
    });
  }
  if (out.size === 0) {
    for (const line of sysNet.split('\n')) {
      const [name, mtu, mac, oper] = line.trim().split(/\s+/);
      if (!name || !mtu) continue;
      out.set(name, {
        mtu: Number(mtu),
        macaddress: mac && /^[0-9a-f:]{17}$/.test(mac) ? mac : null,
        active: oper === 'up' || oper === 'unknown',
        type: name === 'lo' ? 'loopback' : 'ether',
      });
    }
  }
  return out;
}

export function parseInterfaces(addr: string, link: string, sysNet: string): NetInterface[] {
  const links = parseLinks(link, sysNet);
  const v4 = new Map<string, Ipv4Address[]>();
  const v6 = new Map<string, Ipv6Address[]>();
  for (const line of addr.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+(inet6?)\s+([0-9a-fA-F.:]+)\/(\d+)(.*)$/.exec(line);
    if (!m) continue;
    const dev = deviceName(m[1]!);
    const prefix = Number(m[4]);
    const rest = m[5] ?? '';
    if (m[2] === 'inet') {
      const brd = /\bbrd (\S+)/.exec(rest)?.[1];
      const list = v4.get(dev) ?? [];
      list.push({ address: m[3]!, prefix, netmask: prefixToNetmask(prefix), network: networkOf(m[3]!, prefix), ...(brd ? { broadcast: brd } : {}) });
      v4.set(dev, list);
    } else {
      const list = v6.get(dev) ?? [];
      list.push({ address: m[3]!, prefix, scope: /\bscope (\S+)/.exec(rest)?.[1] ?? 'global' });
      v6.set(dev, list);
    }
  }
  const names = [...new Set([...links.keys(), ...v4.keys(), ...v6.keys()])];
  return names.map((device) => {
    const l = links.get(device);
    return {
      device,
      mtu: l?.mtu ?? null,
      macaddress: l?.macaddress ?? null,
      active: l?.active ?? true,
      type: l?.type ?? 'unknown',
      ipv4: v4.get(device) ?? [],
      ipv6: v6.get(device) ?? [],
    };
  });
}

/** /proc/net/route: the default route's interface and gateway (little-endian hex). */
function procDefaultRoute(procRoute: string): { dev: string; gateway: string | null } | null {
  for (const line of procRoute.split('\n').slice(1)) {
    const [dev, dest, gw] = line.trim().split(/\s+/);
    if (!dev || dest !== '00000000' || !gw) continue;
    const n = parseInt(gw, 16);
    const gateway = n === 0 ? null : [0, 8, 16, 24].map((s) => (n >>> s) & 255).join('.');
    return { dev, gateway };
  }
  return null;
}

export function parseDefaultIpv4(route: string, procRoute: string, interfaces: readonly NetInterface[]): DefaultIpv4 | null {
  let dev = /\bdev (\S+)/.exec(route)?.[1];
  let gateway: string | null = /\bvia (\S+)/.exec(route)?.[1] ?? null;
  let src = /\bsrc (\S+)/.exec(route)?.[1];
  if (!dev) {
    const r = procDefaultRoute(procRoute);
    if (!r) return null;
    dev = r.dev;
    gateway = r.gateway;
  }
  const iface = interfaces.find((i) => i.device === dev);
  const addr = iface?.ipv4.find((a) => a.address === src) ?? iface?.ipv4[0];
  src ??= addr?.address;
  if (!src) return null;
  return {
    address: src,
    interface: dev,
    gateway,
    mtu: iface?.mtu ?? null,
    macaddress: iface?.macaddress ?? null,
    prefix: addr?.prefix ?? null,
    netmask: addr?.netmask ?? null,
    network: addr?.network ?? null,
  };
}
