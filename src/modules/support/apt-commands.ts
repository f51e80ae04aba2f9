/** apt-get command lines and the apt cache's age, for the apt module. */
import { quote } from '../../engine/module.js';

export const APT_LISTS = '/var/lib/apt/lists';
export const UPDATE_STAMP = '/var/lib/apt/periodic/update-success-stamp';

/** apt-get with the options every run uses: assume yes, keep existing conffiles, wait for the dpkg lock. */
export function aptGet(args: readonly string[]): string {
  const base = ['apt-get', '-y', '-q', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', '-o', 'DPkg::Lock::Timeout=120'];
  // in the command text, not the exec environment: sshd drops variables it does not AcceptEnv
  return `DEBIAN_FRONTEND=noninteractive LC_ALL=C ${[...base, ...args].map(quote).join(' ')}`;
}

/** Prints the cache's mtime (the success stamp, else the lists directory) and the host's clock, in seconds. */
export function cacheAgeCommand(): string {
  // a lists directory without any Packages index has never been updated, whatever its mtime says
  return `{ if ! ls ${APT_LISTS}/*_Packages* >/dev/null 2>&1; then echo none; else stat -c %Y ${UPDATE_STAMP} 2>/dev/null || stat -c %Y ${APT_LISTS} 2>/dev/null || echo none; fi; }; date +%s`;
}

/** Seconds since the cache was last updated, null when unknown. */
export function parseCacheAge(stdout: string): number | null {
  const [mtime, now] = stdout.trim().split('\n').map((l) => l.trim());
  if (!mtime || !now || !/^\d+$/.test(mtime) || !/^\d+$/.test(now)) return null;
  return Number(now) - Number(mtime);
}
