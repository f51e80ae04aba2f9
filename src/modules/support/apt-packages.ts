/**
 * Reading apt's and dpkg's views of packages, as pure parsers of their
 * output, and the `name=version` / `name=1.2.*` requests Ansible's apt takes.
 */

/** One requested package: `nginx`, `nginx=1.22.1-9`, `nginx=1.22.*`. */
export interface PackageRequest {
  readonly name: string;
  /** exact version or a glob (`*`, `?`, `[...]`) */
  readonly version?: string;
}

export function parsePackageRequest(spec: string): PackageRequest {
  const i = spec.indexOf('=');
  if (i < 0) return { name: spec.trim() };
  return { name: spec.slice(0, i).trim(), version: spec.slice(i + 1).trim() };
}

export const isVersionGlob = (v: string): boolean => /[*?[]/.test(v);

/** fnmatch-style matching of a Debian version against an exact version or a glob. */
export function versionMatches(version: string, wanted: string): boolean {
  if (!isVersionGlob(wanted)) return version === wanted;
  const re = wanted.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.').replace(/\[!/g, '[^');
  return new RegExp(`^${re}$`).test(version);
}

export type DpkgStatus = 'installed' | 'config-files' | 'half-installed' | 'not-installed';

export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  readonly status: DpkgStatus;
}

/** The format of the dpkg-query probe; one line per package. */
export const DPKG_QUERY_FORMAT = '${Package}\\t${Version}\\t${db:Status-Abbrev}\\n';

/** Lines of `dpkg-query -W -f=DPKG_QUERY_FORMAT`; packages dpkg never heard of are simply absent. */
export function parseDpkgQuery(stdout: string): Map<string, InstalledPackage> {
  const out = new Map<string, InstalledPackage>();
  for (const line of stdout.split('\n')) {
    const [name, version = '', abbrev = ''] = line.split('\t');
    if (!name) continue;
    const desired = abbrev[0];
    const state = abbrev[1];
    const status: DpkgStatus =
      state === 'i' ? 'installed' : state === 'c' ? 'config-files' : state === 'n' || state === undefined ? 'not-installed' : 'half-installed';
    // a package marked for removal (desired 'r'/'p') but still unpacked is still there
    out.set(name, { name, version: status === 'not-installed' ? '' : version, status: desired === undefined ? 'not-installed' : status });
  }
  return out;
}

export interface PolicyEntry {
  readonly name: string;
  readonly installed: string | null;
  readonly candidate: string | null;
  /** every version apt knows, highest first (as apt-cache prints the table) */
  readonly versions: readonly string[];
}

/** `apt-cache policy a b c`: a block per package apt knows; unknown packages have none. */
export function parseAptPolicy(stdout: string): Map<string, PolicyEntry> {
  const out = new Map<string, PolicyEntry>();
  let cur: { name: string; installed: string | null; candidate: string | null; versions: string[] } | undefined;
  const flush = (): void => {
    if (cur) out.set(cur.name, cur);
  };
  for (const line of stdout.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      flush();
      cur = { name: head[1]!.replace(/:[a-z0-9]+$/, ''), installed: null, candidate: null, versions: [] };
      continue;
    }
    if (!cur) continue;
    const field = /^ {2}(Installed|Candidate): (.+)$/.exec(line);
    if (field) {
      const v = field[2]!.trim() === '(none)' ? null : field[2]!.trim();
      if (field[1] === 'Installed') cur.installed = v;
      else cur.candidate = v;
      continue;
    }
    const ver = /^ (?:\*\*\*| {3}) (\S+) -?\d+$/.exec(line);
    if (ver) cur.versions.push(ver[1]!);
  }
  flush();
  return out;
}

/** `apt-get -s ...`: the packages it would remove or purge (`Remv name [version]`, `Purg name [version]`). */
export function parseSimulatedRemovals(stdout: string): string[] {
  return [...stdout.matchAll(/^(?:Remv|Purg) (\S+)/gm)].map((m) => m[1]!);
}
