/**
 * What apt would change, as a pure function of dpkg's and apt-cache's
 * answers: the packages to install (with the version they would get), to
 * remove or purge, and a diff per package.
 */
import type { Diff } from '../../engine/module.js';
import { isVersionGlob, versionMatches, type InstalledPackage, type PackageRequest, type PolicyEntry } from './apt-packages.js';

export type AptState = 'present' | 'absent' | 'latest';

export interface AptWanted {
  readonly packages: readonly PackageRequest[];
  readonly state: AptState;
  readonly purge: boolean;
  readonly allowDowngrade: boolean;
  /** the cache will be refreshed before installing: a package the current cache lacks is not (yet) an error */
  readonly cacheUpdatePending?: boolean;
}

/** The target version of a package the current cache does not know, when a cache refresh will come first. */
export const AFTER_CACHE_UPDATE = '(known after apt-get update)';

export interface PackageChange {
  readonly name: string;
  readonly action: 'install' | 'upgrade' | 'downgrade' | 'remove' | 'purge';
  readonly from: string | null;
  readonly to: string | null;
  /** the word given to apt-get: `name` or `name=version` */
  readonly arg: string;
}

/** A request apt cannot satisfy; the module turns it into a ModuleFailure. */
export class AptPlanError extends Error {
  readonly code = 'E_APT_PLAN';
}

/** Which packages need `apt-cache policy` (for candidates and version tables). */
export function needsPolicy(w: AptWanted, installed: ReadonlyMap<string, InstalledPackage>): string[] {
  if (w.state === 'absent') return [];
  return w.packages.filter((p) => w.state === 'latest' || p.version !== undefined || installed.get(p.name)?.status !== 'installed').map((p) => p.name);
}

export function planPackages(w: AptWanted, installed: ReadonlyMap<string, InstalledPackage>, policy: ReadonlyMap<string, PolicyEntry>): PackageChange[] {
  const changes: PackageChange[] = [];
  for (const req of w.packages) {
    const have = installed.get(req.name);
    const isInstalled = have?.status === 'installed' || have?.status === 'half-installed';
    const current = isInstalled ? have.version : null;
    if (w.state === 'absent') {
      if (req.version !== undefined && current !== null && !versionMatches(current, req.version)) continue;
      if (isInstalled) changes.push({ name: req.name, action: w.purge ? 'purge' : 'remove', from: current, to: null, arg: req.name });
      else if (w.purge && have?.status === 'config-files') changes.push({ name: req.name, action: 'purge', from: null, to: null, arg: req.name });
      continue;
    }
    const target = targetVersion(req, w.state, current, policy.get(req.name), w.cacheUpdatePending ?? false);
    if (target === null) continue;
    const action = current === null ? 'install' : target !== AFTER_CACHE_UPDATE && isDowngrade(policy.get(req.name), current, target) ? 'downgrade' : 'upgrade';
    if (action === 'downgrade' && !w.allowDowngrade) {
      throw new AptPlanError(`${req.name}: installing ${target} would downgrade it from ${current}; set allow_downgrade: true to allow that`);
    }
    changes.push({ name: req.name, action, from: current, to: target, arg: req.version !== undefined ? `${req.name}=${target}` : req.name });
  }
  return changes;
}

/** The version to install, or null when what is installed already satisfies the request. */
function targetVersion(req: PackageRequest, state: AptState, current: string | null, pol: PolicyEntry | undefined, pending: boolean): string | null {
  if (req.version !== undefined) {
    if (current !== null && versionMatches(current, req.version)) return null;
    const found = pol?.versions.find((v) => versionMatches(v, req.version ?? ''));
    if (!found) {
      if (pending) return AFTER_CACHE_UPDATE;
      throw new AptPlanError(`No package matching '${req.name}=${req.version}' is available${pol ? ` (known versions: ${pol.versions.join(', ') || 'none'})` : ''}`);
    }
    return found;
  }
  if (current !== null && state === 'present') return null;
  const candidate = pol?.candidate ?? null;
  if (candidate === null) {
    if (current !== null) return null; // latest of a package with no candidate left: keep it
    if (pending) return AFTER_CACHE_UPDATE;
    throw new AptPlanError(`No package matching '${req.name}' is available`);
  }
  return candidate === current ? null : candidate;
}

/** Lower in apt's version table (highest first) than what is installed. */
function isDowngrade(pol: PolicyEntry | undefined, current: string, target: string): boolean {
  const versions = pol?.versions ?? [];
  const ci = versions.indexOf(current);
  const ti = versions.indexOf(target);
  return ci >= 0 && ti >= 0 && ti > ci;
}

/** Per package: `{version}` before → after; absent sides left out; a purge of leftover configuration shows `{config_files: true}` before. */
export function packageDiff(c: PackageChange): Diff {
  const before = c.from !== null ? { version: c.from } : c.action === 'purge' ? { config_files: true } : undefined;
  const after = c.to !== null ? { version: c.to } : undefined;
  return { label: c.name, ...(before ? { before } : {}), ...(after ? { after } : {}) };
}

export function describeChange(c: PackageChange): string {
  switch (c.action) {
    case 'install':
      return `install ${c.name} ${c.to}`;
    case 'upgrade':
    case 'downgrade':
      return `${c.action} ${c.name} ${c.from} → ${c.to}`;
    default:
      return `${c.action} ${c.name}`;
  }
}

export { isVersionGlob };
