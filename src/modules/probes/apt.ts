/** Probes of dpkg's and apt's view of packages; the parsers are in ../support/apt-packages.ts and friends. */
import { defineProbe, ModuleFailure, quote } from '../../engine/module.js';
import { cacheAgeCommand, parseCacheAge } from '../support/apt-commands.js';
import { DPKG_QUERY_FORMAT, parseAptPolicy, parseDpkgQuery, parseSimulatedRemovals } from '../support/apt-packages.js';
import { parseHolds } from '../support/apt-pin-file.js';
import { commandFailure } from '../support/host-commands.js';
import { stdoutOf } from './failure.js';

const words = (names: readonly string[]): string => names.map(quote).join(' ');

/** Installed packages among `names` (`dpkg-query -W`); packages dpkg never heard of are absent (exit 1). */
export const dpkgPackages = defineProbe({
  name: 'dpkg.packages',
  command: (names: readonly string[]) => `dpkg-query -W -f=${quote(DPKG_QUERY_FORMAT)} ${words(names)}`,
  parse: (r) => {
    if (r.exitCode > 1) throw commandFailure('dpkg-query', r);
    return parseDpkgQuery(r.stdout);
  },
});

/** Installed and candidate versions of `names`, and every version apt knows (`apt-cache policy`). */
export const aptPolicy = defineProbe({
  name: 'apt.policy',
  command: (names: readonly string[]) => `LC_ALL=C apt-cache policy ${words(names)}`,
  parse: (r) => parseAptPolicy(stdoutOf('apt-cache policy', r)),
});

/** Packages on hold (`apt-mark showhold`). */
export const aptHolds = defineProbe({
  name: 'apt.holds',
  command: () => 'apt-mark showhold',
  parse: (r) => parseHolds(stdoutOf('apt-mark showhold', r)),
});

/** Seconds since apt's package lists were last updated; null when they never were. */
export const aptCacheAge = defineProbe({
  name: 'apt.cache-age',
  command: () => cacheAgeCommand(),
  parse: (r) => parseCacheAge(r.stdout),
});

/** What `apt-get -s ARGS` (a simulation, which changes nothing) would remove. */
export const aptSimulatedRemovals = defineProbe({
  name: 'apt.simulated-removals',
  command: (args: readonly string[]) => `LC_ALL=C apt-get -s -q ${words(args)}`,
  parse: (r, args) => parseSimulatedRemovals(stdoutOf(`apt-get -s ${args.join(' ')}`, r)),
});

/** Source files under /etc/apt naming a repository URI. */
export const aptSourcesNaming = defineProbe({
  name: 'apt.sources-naming',
  command: (url: string) => `grep -rlF -- ${quote(url.replace(/\/+$/, ''))} /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null`,
  // grep: 0 found, 1 none, 2 an unreadable file (a missing sources.list among them): what it found stands
  parse: (r) => r.stdout.split('\n').map((l) => l.trim()).filter(Boolean),
});

/**
 * A key fetched on the host into memory (base64 on stdout, so binary keys survive): it reads the
 * URL and writes nothing, so check can verify a key before anything is written.
 */
export const downloadedKey = defineProbe({
  name: 'apt.download-key',
  command: (url: string) => `bash -c ${quote(`set -o pipefail; curl -fsSL --max-time 30 --retry 2 -- ${quote(url)} | base64 -w0`)}`,
  parse: (r, url) => {
    if (r.exitCode !== 0) {
      throw new ModuleFailure(`could not fetch key_url ${url}: ${r.stderr.trim() || `exit ${r.exitCode}`}; nothing was written`, { rc: r.exitCode });
    }
    return Buffer.from(r.stdout.trim(), 'base64');
  },
});
