/**
 * IPv4 ranges for SpoofGuard bindings: a MetalLB range `a-b` becomes either
 * every address in it, or the fewest CIDR blocks that cover exactly it.
 */

export class AddressError extends Error {
  readonly code = 'E_NSX_ADDRESS';
}

export function ipv4ToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^[0-9]{1,3}$/.test(p) || Number(p) > 255)) throw new AddressError(`"${ip}" is not an IPv4 address`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

function rangeBounds(range: string): [number, number] {
  const [a, b] = range.split('-') as [string, string];
  const lo = ipv4ToInt(a.trim());
  const hi = ipv4ToInt(b.trim());
  if (hi < lo) throw new AddressError(`range "${range}" ends before it starts`);
  return [lo, hi];
}

/** Every address of `a-b`, refusing more than `limit`. */
export function expandRange(range: string, limit: number): string[] {
  const [lo, hi] = rangeBounds(range);
  if (hi - lo + 1 > limit) throw new AddressError(`range "${range}" holds ${hi - lo + 1} addresses, more than the ${limit} bindings a port allows; use range_as: subnets`);
  return Array.from({ length: hi - lo + 1 }, (_, i) => intToIpv4(lo + i));
}

/** The fewest CIDR blocks covering exactly `a-b` (a single address is a /32). */
export function rangeToCidrs(range: string): string[] {
  const [first, hi] = rangeBounds(range);
  let lo = first;
  const out: string[] = [];
  while (lo <= hi) {
    let size = 1;
    // grow the block while it stays aligned at lo and inside the range
    while (size < 2 ** 32 && lo % (size * 2) === 0 && lo + size * 2 - 1 <= hi) size *= 2;
    out.push(`${intToIpv4(lo)}/${32 - Math.log2(size)}`);
    lo += size;
  }
  return out;
}

/** Addresses as bindings take them: ranges expanded (`ips`) or covered by subnets (`subnets`); addresses and CIDRs as they are. */
export function bindingAddresses(addresses: readonly string[], rangeAs: 'ips' | 'subnets', limit: number): string[] {
  const out: string[] = [];
  for (const a of addresses) {
    if (!a.includes('-')) out.push(a);
    else out.push(...(rangeAs === 'ips' ? expandRange(a, limit) : rangeToCidrs(a)));
  }
  return [...new Set(out)];
}
