/**
 * path_mtu: an example project module. Measures the path MTU from the host to
 * `target` with don't-fragment pings (`ping -M do -s SIZE -c 1 -W 1 TARGET`),
 * binary-searching the largest packet that gets through, and fails when it
 * is below `expected_mtu`. It only measures: never changed, and it runs the
 * same in check mode.
 *
 * Needs iputils ping on the host (Debian: iputils-ping). IPv4: the MTU is
 * the ICMP payload plus 28 bytes of IP and ICMP headers.
 *
 * Project modules import tsplay's public API by the package name, here and in
 * any project that depends on tsplay.
 */
import { defineModule, defineProbe, ModuleFailure, sh, Type } from 'tsplay';

/** IPv4 header (20) + ICMP header (8). */
export const HEADER_BYTES = 28;
/** The smallest MTU every IPv4 link must carry (RFC 791). */
export const MIN_MTU = 68;

const params = Type.Object(
  {
    target: Type.String({ minLength: 1, description: 'Address or name to measure the path to, as seen from the host.' }),
    expected_mtu: Type.Integer({ minimum: MIN_MTU, maximum: 65535, default: 1500, description: 'Fail when the measured path MTU is below this.' }),
    max_mtu: Type.Optional(
      Type.Integer({ minimum: MIN_MTU, maximum: 65535, description: 'Upper end of the search (default: expected_mtu); sizes above it are not tried.' }),
    ),
  },
  { additionalProperties: false },
);

/** Did one packet of this MTU get through? */
export type MtuProbe = (mtu: number) => Promise<boolean>;

/**
 * The largest MTU in [lo, hi] for which `fits` holds, assuming it holds for
 * every size up to the path MTU and for none above; null when even `lo` fails.
 */
export async function largestPassing(lo: number, hi: number, fits: MtuProbe): Promise<{ mtu: number | null; probes: number }> {
  let probes = 1;
  if (!(await fits(lo))) return { mtu: null, probes };
  let good = lo;
  let bad = hi + 1;
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    probes++;
    if (await fits(mid)) good = mid;
    else bad = mid;
  }
  return { mtu: good, probes };
}

/** One don't-fragment ping of a packet `mtu` bytes long: did it pass, or is ping missing? */
export const dontFragmentPing = defineProbe({
  name: 'net.df-ping',
  command: (a: { readonly target: string; readonly mtu: number }) => sh`ping -n -M do -s ${a.mtu - HEADER_BYTES} -c 1 -W 1 ${a.target}`,
  parse: (r, a): 'passed' | 'dropped' | 'no-ping' => {
    if (r.exitCode === 127) return 'no-ping';
    if (r.exitCode === 2 && /unknown host|Name or service not known|Temporary failure/i.test(r.stderr)) {
      throw new ModuleFailure(`path_mtu: cannot resolve ${a.target}: ${r.stderr.trim()}`, { target: a.target });
    }
    return r.exitCode === 0 ? 'passed' : 'dropped';
  },
});

export default defineModule({
  name: 'path_mtu',
  description: 'Measures the path MTU to a target with don\'t-fragment pings; fails when it is below the expected MTU.',
  params,
  async check(ctx, p) {
    const answers = new Set<string>();
    const fits: MtuProbe = async (mtu) => {
      const answer = await ctx.probe(dontFragmentPing, { target: p.target, mtu });
      answers.add(answer);
      return answer === 'passed';
    };
    const hi = Math.max(p.max_mtu ?? p.expected_mtu, MIN_MTU);
    const { mtu, probes } = await largestPassing(MIN_MTU, hi, fits);
    if (answers.has('no-ping')) throw new ModuleFailure('path_mtu: ping is not installed on the host (Debian: apt install iputils-ping)', { target: p.target });
    if (mtu === null) throw new ModuleFailure(`path_mtu: ${p.target} does not answer pings, even of ${MIN_MTU} bytes`, { target: p.target, probes });
    const result = { target: p.target, mtu, largest_payload: mtu - HEADER_BYTES, expected_mtu: p.expected_mtu, probes };
    if (mtu < p.expected_mtu) {
      throw new ModuleFailure(`path MTU to ${p.target} is ${mtu}, below the expected ${p.expected_mtu} (largest unfragmented ping payload: ${mtu - HEADER_BYTES} bytes)`, result);
    }
    return { changed: false, summary: `path MTU to ${p.target}: ${mtu}`, result };
  },
});
