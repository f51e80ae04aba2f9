/**
 * apt_pin: packages installed at an exact version or the newest match of a
 * glob (`kubeadm=1.34.*`), and kept there: an apt preferences file pins the
 * installed version (Pin-Priority 1001 by default) and `apt-mark hold` stops
 * upgrades. They move only when the wanted version no longer matches what is
 * installed; going back needs `allow_downgrade`.
 *
 * The plan comes from dpkg-query, `apt-mark showhold` and `apt-cache policy`
 * (read-only), so check names every install, upgrade and downgrade exactly.
 * Apply installs first (`--allow-change-held-packages` only when a held
 * package moves), then writes the pin file and sets the holds: a failed
 * install leaves the old pins and holds as they were.
 */
import { defineModule, ModuleFailure, quote, Type, type Diff, type HostContext, type Plan } from '../engine/module.js';
import { aptHolds, aptPolicy, dpkgPackages } from './probes/apt.js';
import type { PackageRequest } from './support/apt-packages.js';
import { AFTER_CACHE_UPDATE, AptPlanError, planPackages, type PackageChange } from './support/apt-plan.js';
import { aptGet } from './support/apt-commands.js';
import { defaultPinFile, pinRequests, PinRequestError, PREFERENCES_DIR, preferencesFile } from './support/apt-pin-file.js';
import { runOrFail } from './support/host-commands.js';

const PACKAGE = '[a-z0-9][a-z0-9+.-]+';
const entry = Type.Union([
  Type.String({ pattern: `^${PACKAGE}(=\\S+)?$` }),
  Type.Object({ name: Type.String({ pattern: `^${PACKAGE}$` }), version: Type.Optional(Type.String({ pattern: '^\\S+$' })) }, { additionalProperties: false }),
]);

const params = Type.Object(
  {
    name: Type.Union([Type.String({ pattern: `^${PACKAGE}(=\\S+)?$` }), Type.Array(entry, { minItems: 1 })], {
      description: 'Package(s): `kubeadm=1.34.1-1.1`, `kubeadm=1.34.*` (the newest match), `{name, version}`, or bare names taking `version`.',
    }),
    version: Type.Optional(Type.String({ pattern: '^\\S+$', description: 'Version or glob for the packages named without one.' })),
    pin_file: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]+(\\.pref)?$',
        description: 'File name in `/etc/apt/preferences.d` (apt skips names with other extensions). Default: the package names, sorted, joined by `-`.',
      }),
    ),
    priority: Type.Integer({ minimum: 501, maximum: 32767, default: 1001, description: 'Pin-Priority of the pinned versions: above 500 keeps them the candidate; 1000 or more also lets apt go back to them.' }),
    hold: Type.Boolean({ default: true, description: 'Also `apt-mark hold` the packages (false: unhold them).' }),
    allow_downgrade: Type.Boolean({ default: false, description: 'Allow installing a version lower than the installed one; otherwise that is refused with an error.' }),
  },
  { additionalProperties: false },
);

type Params = typeof params.static;

interface PinState {
  readonly changes: readonly PackageChange[];
  readonly pinFile: string;
  readonly pinContent: string | null;
  readonly hold: readonly string[];
  readonly unhold: readonly string[];
  readonly heldMoving: boolean;
}

export default defineModule({
  name: 'apt_pin',
  description: 'Installs packages at pinned versions or globs and keeps them there (apt preferences + apt-mark hold); downgrades only when allowed.',
  params,
  async check(ctx, p): Promise<Plan<PinState>> {
    const requests = requestsOf(p);
    const names = requests.map((r) => r.name);
    const { installed, held, policy } = await readHost(ctx, names);
    let changes: PackageChange[];
    try {
      // under --check the cache was not refreshed: a package it does not know yet may come from a
      // repository an earlier, only predicted task adds (apt_repo)
      changes = planPackages({ packages: requests, state: 'present', purge: false, allowDowngrade: true, cacheUpdatePending: ctx.earlierChangesPredicted }, installed, policy);
    } catch (e) {
      if (e instanceof AptPlanError) throw new ModuleFailure(e.message, { packages: names });
      throw e;
    }
    const refused = changes.filter((c) => c.action === 'downgrade' && !p.allow_downgrade);
    if (refused.length) {
      const list = refused.map((c) => `${c.name} ${c.from} → ${c.to}`).join(', ');
      throw new ModuleFailure(`refused to downgrade ${list}: set allow_downgrade: true to go back to an older version`, { packages: refused.map((c) => c.name) });
    }
    for (const c of changes) if (c.to === AFTER_CACHE_UPDATE) ctx.warn(`${c.name}: no version matching ${c.arg.slice(c.name.length + 1)} in the apt cache yet; assuming an earlier task adds its repository`);

    const target = new Map(requests.map((r) => [r.name, changes.find((c) => c.name === r.name)?.to ?? installed.get(r.name)!.version]));
    const pinFile = `${PREFERENCES_DIR}/${p.pin_file ?? defaultPinFile(names)}`;
    const pinNow = (await ctx.readFile(pinFile))?.toString('utf8') ?? null;
    const pinWanted = preferencesFile(requests.map((r) => ({ name: r.name, version: target.get(r.name) === AFTER_CACHE_UPDATE ? r.version! : target.get(r.name)! })), p.priority);
    const hold = p.hold ? names.filter((n) => !held.has(n)) : [];
    const unhold = p.hold ? [] : names.filter((n) => held.has(n));
    const pinChanges = pinNow !== pinWanted;
    const changed = changes.length > 0 || pinChanges || hold.length > 0 || unhold.length > 0;

    const diff: Diff[] = [
      ...names.filter((n) => changes.some((c) => c.name === n) || hold.includes(n) || unhold.includes(n)).map((n) => packageDiff(n, installed.get(n)?.status === 'installed' ? installed.get(n)!.version : null, target.get(n)!, held.has(n), p.hold)),
      ...(pinChanges ? [{ label: pinFile, before: pinNow ?? '', after: pinWanted }] : []),
    ];
    const lines = [
      ...changes.map((c) => (c.action === 'install' ? `install ${c.name} ${c.to}` : `${c.action} ${c.name} ${c.from} → ${c.to}`)),
      ...(pinChanges ? [`${pinNow === null ? 'write' : 'rewrite'} ${pinFile}`] : []),
      ...(hold.length ? [`hold ${hold.join(' ')}`] : []),
      ...(unhold.length ? [`unhold ${unhold.join(' ')}`] : []),
    ];
    const result = {
      pin_file: pinFile,
      versions: Object.fromEntries(target),
      ...(changes.length ? { packages: changes.map((c) => ({ name: c.name, action: c.action, from: c.from, to: c.to })) } : {}),
    };
    if (!changed) return { changed: false, summary: `${names.join(' ')} already pinned`, result };
    return {
      changed: true,
      summary: lines.join(', '),
      diff,
      result,
      state: { changes, pinFile, pinContent: pinChanges ? pinWanted : null, hold, unhold, heldMoving: changes.some((c) => held.has(c.name)) },
      ...(pinChanges ? { effects: [{ path: pinFile, state: 'file' as const, content: pinWanted, mode: '0644' }] } : {}),
    };
  },
  async apply(ctx, plan, p) {
    const s = plan.state;
    if (s.changes.length) {
      const opts = [...(s.heldMoving ? ['--allow-change-held-packages'] : []), ...(p.allow_downgrade ? ['--allow-downgrades'] : [])];
      await runOrFail(ctx, aptGet([...opts, 'install', ...s.changes.map((c) => c.arg)]), 'apt-get install', APT_FAILURE);
    }
    if (s.pinContent !== null) await ctx.writeFile(s.pinFile, s.pinContent, { mode: '0644' });
    // installing a held package at another version drops its hold: hold what moved again, with what was not held
    const hold = p.hold ? [...new Set([...s.hold, ...s.changes.map((c) => c.name)])] : [];
    if (hold.length) await runOrFail(ctx, `apt-mark hold ${hold.map(quote).join(' ')}`, 'apt-mark hold', APT_FAILURE);
    if (s.unhold.length) await runOrFail(ctx, `apt-mark unhold ${s.unhold.map(quote).join(' ')}`, 'apt-mark unhold', APT_FAILURE);
  },
});

function requestsOf(p: Params): PackageRequest[] {
  try {
    return pinRequests(Array.isArray(p.name) ? p.name : [p.name], p.version);
  } catch (e) {
    if (e instanceof PinRequestError) throw new ModuleFailure(e.message);
    throw e;
  }
}

async function readHost(ctx: HostContext, names: readonly string[]) {
  return { installed: await ctx.probe(dpkgPackages, names), held: await ctx.probe(aptHolds), policy: await ctx.probe(aptPolicy, names) };
}

/** Per package: installed version and hold before, target version and hold after. */
function packageDiff(name: string, from: string | null, to: string, heldBefore: boolean, heldAfter: boolean): Diff {
  return { label: name, ...(from !== null ? { before: { version: from, held: heldBefore } } : {}), after: { version: to, held: heldAfter } };
}

/** apt's output is long: the message shows its last lines, the result all of it */
const APT_FAILURE = { lastLines: 3, withOutput: true } as const;
