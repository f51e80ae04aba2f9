/**
 * apt: installs, upgrades and removes Debian packages. The plan comes from
 * `dpkg-query` (what is installed) and `apt-cache policy` (candidates and
 * version tables), so check predicts exactly what apt-get would do to the
 * requested packages; apply runs apt-get non-interactively, keeping
 * existing configuration files.
 *
 * The cache: with `update_cache` (and an expired `cache_valid_time`) check
 * cannot refresh it, so it says so in the summary and predicts from the
 * current cache; apply refreshes it first and plans again from the fresh one.
 * A cache refresh counts as a change when there are no packages (as in
 * Ansible) or `state: latest` (the refresh is part of reaching "latest");
 * for present/absent it runs only when packages change anyway.
 */
import { defineModule, ModuleFailure, quote, Type, type ApplyContext, type HostContext, type Plan } from '../engine/module.js';
import { aptCacheAge, aptPolicy, aptSimulatedRemovals, dpkgPackages } from './probes/apt.js';
import { parsePackageRequest } from './support/apt-packages.js';
import type { PolicyEntry } from './support/apt-packages.js';
import { AptPlanError, describeChange, needsPolicy, packageDiff, planPackages, type AptWanted, type PackageChange } from './support/apt-plan.js';
import { aptGet, APT_LISTS } from './support/apt-commands.js';
import { runOrFail } from './support/host-commands.js';

const params = Type.Object(
  {
    name: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }))], { description: 'Package name(s); `name=version` pins a version, `name=1.2.*` a version glob.' })),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent'), Type.Literal('latest')], { default: 'present', description: 'present: installed (any version unless pinned); latest: at the candidate version; absent: removed.' }),
    update_cache: Type.Boolean({ default: false, description: 'Run `apt-get update` first (see cache_valid_time).' }),
    cache_valid_time: Type.Integer({ minimum: 0, default: 0, description: 'Seconds the cache counts as fresh: update only when older (and implies update_cache).' }),
    purge: Type.Boolean({ default: false, description: 'With absent: also remove configuration files (and purge packages left with only their configuration).' }),
    autoremove: Type.Boolean({ default: false, description: 'Also remove packages installed as dependencies and no longer needed.' }),
    install_recommends: Type.Optional(Type.Boolean({ description: 'Install recommended packages too (unset: apt\'s own setting).' })),
    allow_downgrade: Type.Boolean({ default: false, description: 'Allow a pinned version lower than the installed one.' }),
    force_apt_get: Type.Optional(Type.Boolean({ description: 'Accepted and ignored: apt-get is always used.' })),
  },
  { additionalProperties: false },
);

type Params = typeof params.static;

interface AptPlanState {
  readonly updateCache: boolean;
  readonly changes: readonly PackageChange[];
  readonly autoremove: readonly string[];
}

export default defineModule({
  name: 'apt',
  description: 'Manages Debian packages with apt-get: install, pin, upgrade, remove, purge; refreshes the cache.',
  params,
  async check(ctx, p): Promise<Plan<AptPlanState>> {
    const updateCache = await cacheNeedsUpdate(ctx, p);
    const changes = await planFromHost(ctx, p, updateCache);
    const autoremove = p.autoremove ? await autoremovals(ctx, changes.filter((c) => c.to === null).map((c) => c.name)) : [];
    const packagesChange = changes.length > 0 || autoremove.length > 0;
    const cacheCounts = updateCache && (wanted(p).packages.length === 0 || p.state === 'latest');
    const lines = [...changes.map(describeChange), ...(autoremove.length ? [`autoremove ${autoremove.join(' ')}`] : [])];
    const cacheNote = updateCache && (packagesChange || cacheCounts) ? 'update the apt cache first (plan made from the current cache); ' : '';
    const result = { cache_updated: false, ...(changes.length ? { packages: changes.map((c) => ({ name: c.name, action: c.action, from: c.from, to: c.to })) } : {}) };
    if (!packagesChange && !cacheCounts) return { changed: false, summary: 'packages already as wanted', result };
    return {
      changed: true,
      summary: `${cacheNote}${lines.join(', ') || 'update the apt cache'}`,
      diff: [...changes.map(packageDiff), ...autoremove.map((name) => ({ label: name, before: { autoremove: true } }))],
      result,
      state: { updateCache, changes, autoremove },
    };
  },
  async apply(ctx, plan, p) {
    let changes = plan.state.changes;
    if (plan.state.updateCache) {
      await runApt(ctx, aptGet(['update']), 'apt-get update');
      await ctx.run(`[ -e /var/lib/apt/periodic/update-success-stamp ] || touch ${APT_LISTS}`);
      changes = await planFromHost(ctx, p, false); // the fresh cache may offer other versions
    }
    const install = changes.filter((c) => c.to !== null);
    const remove = changes.filter((c) => c.action === 'remove');
    const purge = changes.filter((c) => c.action === 'purge');
    const opts = [
      ...(p.install_recommends === true ? ['--install-recommends'] : p.install_recommends === false ? ['--no-install-recommends'] : []),
      ...(p.allow_downgrade ? ['--allow-downgrades'] : []),
    ];
    const out: string[] = [];
    if (install.length) out.push(await runApt(ctx, aptGet([...opts, 'install', ...install.map((c) => c.arg)]), 'install'));
    if (remove.length) out.push(await runApt(ctx, aptGet(['remove', ...remove.map((c) => c.arg)]), 'remove'));
    if (purge.length) out.push(await runApt(ctx, aptGet(['purge', ...purge.map((c) => c.arg)]), 'purge'));
    if (p.autoremove && plan.state.autoremove.length > 0) out.push(await runApt(ctx, aptGet([p.purge ? '--purge' : '', 'autoremove'].filter(Boolean)), 'autoremove'));
    return {
      result: {
        cache_updated: plan.state.updateCache,
        packages: changes.map((c) => ({ name: c.name, action: c.action, from: c.from, to: c.to })),
        stdout: out.join('\n'),
        stdout_lines: out.join('\n').split('\n').filter(Boolean),
      },
    };
  },
});

function wanted(p: Params): AptWanted {
  const names = p.name === undefined ? [] : Array.isArray(p.name) ? p.name : p.name.split(',').map((s) => s.trim()).filter(Boolean);
  return { packages: names.map(parsePackageRequest), state: p.state, purge: p.purge, allowDowngrade: p.allow_downgrade };
}

async function planFromHost(ctx: HostContext, p: Params, cacheUpdatePending: boolean): Promise<PackageChange[]> {
  const w = { ...wanted(p), cacheUpdatePending };
  if (w.packages.length === 0) return [];
  const names = w.packages.map((r) => r.name);
  const installed = await ctx.probe(dpkgPackages, names);
  const forPolicy = needsPolicy(w, installed);
  const policy = forPolicy.length ? await ctx.probe(aptPolicy, forPolicy) : new Map<string, PolicyEntry>();
  try {
    return planPackages(w, installed, policy);
  } catch (e) {
    if (e instanceof AptPlanError) throw new ModuleFailure(e.message, { packages: names });
    throw e;
  }
}

async function cacheNeedsUpdate(ctx: HostContext, p: Params): Promise<boolean> {
  if (!p.update_cache && p.cache_valid_time === 0) return false;
  if (p.cache_valid_time === 0) return true;
  const age = await ctx.probe(aptCacheAge);
  return age === null || age > p.cache_valid_time;
}

/**
 * What autoremove would take, simulated (`apt-get -s` changes nothing): with
 * the task's own removals included, since they are what orphans dependencies.
 */
async function autoremovals(ctx: HostContext, removing: readonly string[]): Promise<string[]> {
  const args = removing.length ? ['--autoremove', 'remove', ...removing] : ['autoremove'];
  return (await ctx.probe(aptSimulatedRemovals, args)).filter((name) => !removing.includes(name));
}

/** `apt-get WHAT`'s output; a failure shows its last lines, and holds all of it (and `changed`: some packages may be done). */
async function runApt(ctx: ApplyContext, command: string, what: string): Promise<string> {
  const r = await runOrFail(ctx, command, `apt-get ${what}`, { lastLines: 3, withOutput: true, result: { changed: true } });
  return r.stdout.trimEnd();
}
