/**
 * helm_release: a Helm release present at a chart version with given values,
 * or absent, by running the helm CLI on the task's host (a control plane, or
 * the controller through localhost), next to kubernetes.core.helm.
 *
 * check reads only, with declared probes (`helm version`, `helm list`,
 * `helm get values`) and the chart directory's Chart.yaml: the plan is changed
 * exactly when the release is missing, failed or pending-*, runs another chart
 * or chart version, or its user-supplied values differ from the wanted ones
 * once both are normalised (support/helm/values.ts); a rerun sends no helm
 * write. apply runs `helm upgrade --install --reset-values -f -` with the
 * values on stdin (vault values never reach a command line or a file), or
 * `helm uninstall`. See docs/helm.md.
 */
import { defineModule, ModuleFailure, Type, type ApplyContext, type HostContext, type Plan } from '../engine/module.js';
import { helmRelease, helmValues, helmVersion, type ReleaseQuery } from './probes/helm.js';
import { deployedVersion, type ChartTarget } from './support/helm/chart-ref.js';
import { uninstallCommand, upgradeCommand, type HelmTarget } from './support/helm/command.js';
import { wantedChart, wantedValues } from './support/helm/desired.js';
import { conditionOf, helmError, pendingAdvice, type ListedRelease } from './support/helm/release.js';
import { maskedPair, prune, releaseValues, sameValues, valuesDocument, type Values } from './support/helm/values.js';
import { mutuallyExclusive } from './support/schema.js';

const params = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', maxLength: 53, description: 'The release name (release_name in kubernetes.core).' }),
    release_namespace: Type.Optional(Type.String({ minLength: 1, description: 'The release namespace (default `default`); `namespace` is the same.' })),
    namespace: Type.Optional(Type.String({ minLength: 1, description: 'Alias of release_namespace.' })),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'present: installed or upgraded to the chart and values; absent: uninstalled.' }),
    chart_ref: Type.Optional(Type.String({ minLength: 1, description: 'The chart: a name with chart_repo_url, REPO/NAME of a repository helm has added, oci://HOST/PATH/NAME[:VERSION], or the path of a chart directory on the host.' })),
    chart_repo_url: Type.Optional(Type.String({ minLength: 1, description: 'The chart repository URL (`--repo`).' })),
    chart_version: Type.Optional(Type.String({ minLength: 1, description: 'The chart version. Unset: a new release gets the newest, an existing one keeps its version (values changes do not move it).' })),
    values: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Values (release_values in kubernetes.core), merged over values_files. Vault values are fine: they go to helm on stdin and are masked in output.' })),
    values_files: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: "Values files on the controller, found like copy's src, merged in order (maps deep) under `values`." })),
    wait: Type.Boolean({ default: false, description: 'Wait until the objects are ready (Helm 4 `--wait=watcher`, Helm 3 `--wait`); for absent, until they are gone.' }),
    timeout: Type.Optional(Type.String({ pattern: '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$', description: 'How long helm waits (`--timeout`, a Go duration: 5m, 90s). Helm\'s default is 5m.' })),
    atomic: Type.Boolean({ default: false, description: 'Roll a failed upgrade back (uninstall a failed install): Helm 4 `--rollback-on-failure`, Helm 3 `--atomic`; both wait.' }),
    create_namespace: Type.Boolean({ default: false, description: 'Create the release namespace if it does not exist (`--create-namespace`).' }),
    server_side: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('true'), Type.Literal('false')], { description: 'Helm 4 only: `--server-side` (auto: as the release was applied before).' })),
    helm_binary: Type.String({ default: 'helm', minLength: 1, description: 'The helm command on the host.' }),
    kubeconfig: Type.Optional(Type.String({ minLength: 1, description: 'The kubeconfig on the host (`--kubeconfig`); unset: helm\'s own (KUBECONFIG, ~/.kube/config).' })),
    context: Type.Optional(Type.String({ minLength: 1, description: 'The kubeconfig context (`--kube-context`).' })),
  },
  { additionalProperties: false, ...mutuallyExclusive(['release_namespace', 'namespace']), if: { properties: { state: { const: 'present' } } }, then: { required: ['chart_ref'] } },
);

type Params = typeof params.static;

interface HelmState {
  readonly action: 'install' | 'upgrade' | 'uninstall' | 'blocked';
  readonly helmMajor: number;
  readonly chart?: ChartTarget;
  /** the version asked of helm */
  readonly version?: string | undefined;
  readonly values: Values;
  readonly listed: ListedRelease | null;
  /** why apply must not run helm (a pending-* release) */
  readonly blocked?: string;
}

export default defineModule({
  name: 'helm_release',
  description: 'Installs, upgrades or uninstalls a Helm release with the helm CLI on the host; changed only when the chart version or the values differ.',
  params,
  async check(ctx, p): Promise<Plan<HelmState>> {
    const version = await ctx.probe(helmVersion, p.helm_binary);
    const target = targetOf(p);
    if (!version) {
      if (!ctx.earlierChangesPredicted) throw new ModuleFailure(`${p.helm_binary} is not installed on ${ctx.host} (or not on its PATH)`);
      ctx.warn(`${p.helm_binary} is not on ${ctx.host} yet; assuming an earlier task installs it, and predicting the release as new`);
      return { changed: true, summary: `${p.state === 'present' ? 'install' : 'uninstall'} release ${p.name} (helm not installed yet)`, state: { action: 'blocked', helmMajor: 0, values: {}, listed: null, blocked: `${p.helm_binary} is not installed` } };
    }
    if (p.server_side && version.major < 4) throw new ModuleFailure(`server_side needs Helm 4; ${ctx.host} has ${version.text}`);
    const query: ReleaseQuery = { ...target, release: p.name, v3: version.major < 4 };
    const listed = await ctx.probe(helmRelease, query);
    if (p.state === 'absent') return planAbsent(p, target, listed, version.major);
    const [chart, wanted] = await Promise.all([wantedChart(ctx, p), wantedValues(ctx, p)]);
    const current = listed && conditionOf(listed.status) !== 'gone' ? releaseValues(await ctx.probe(helmValues, query)) : undefined;
    return planPresent(ctx, p, { listed: listed && conditionOf(listed.status) !== 'gone' ? listed : null, current, chart, wanted, helmMajor: version.major });
  },
  async apply(ctx, plan, p) {
    const s = plan.state;
    if (s.action === 'blocked') throw new ModuleFailure(s.blocked ?? 'blocked', { name: p.name });
    const target = targetOf(p);
    if (s.action === 'uninstall') {
      const cmd = uninstallCommand(target, p.name, p.wait, p.timeout);
      const r = await ctx.run(cmd);
      if (r.exitCode !== 0) throw new ModuleFailure(`helm uninstall of release ${p.name} in ${target.namespace} failed: ${helmError(r.stderr, r.stdout)}`, { rc: r.exitCode, command: cmd, stderr: r.stderr });
      return { result: { command: cmd } };
    }
    const chart = s.chart!;
    const cmd = upgradeCommand(target, { release: p.name, chart, version: s.version, repoUrl: p.chart_repo_url, helmMajor: s.helmMajor, createNamespace: p.create_namespace, wait: p.wait, atomic: p.atomic, timeout: p.timeout, serverSide: p.server_side });
    const r = await ctx.run(cmd, { stdin: valuesDocument(s.values) });
    if (r.exitCode !== 0) throw await upgradeFailure(ctx, p, s, target, cmd, r);
    const out = parseRelease(r.stdout);
    return { result: { command: cmd, ...(out ? { revision: out.version, status: out.info?.status } : {}) } };
  },
});

function targetOf(p: Params): HelmTarget {
  return { binary: p.helm_binary, namespace: p.release_namespace ?? p.namespace ?? 'default', kubeconfig: p.kubeconfig, context: p.context };
}

interface Seen {
  readonly listed: ListedRelease | null;
  readonly current: Values | undefined;
  readonly chart: ChartTarget;
  readonly wanted: Values;
  readonly helmMajor: number;
}

function planPresent(ctx: HostContext, p: Params, seen: Seen): Plan<HelmState> {
  const { listed, current, chart, wanted, helmMajor } = seen;
  const ns = targetOf(p).namespace;
  const shown = maskedPair(prune(wanted), current === undefined ? undefined : prune(current), (v) => ctx.isSecret(v));
  const deployedVer = listed ? deployedVersion(listed.chart, chart.name) : null;
  // no chart_version: an existing release keeps its version, a new one gets the newest
  const askVersion = chart.version ?? deployedVer ?? undefined;
  const chartAfter = `${chart.name}${askVersion ? `-${askVersion}` : ''}`;
  const result = (status: string): Record<string, unknown> => ({ name: p.name, namespace: ns, chart: chartAfter, status, ...(listed ? { revision: listed.revision } : {}), values: shown.after });
  const state = (action: HelmState['action'], blocked?: string): HelmState => ({ action, helmMajor, chart, version: askVersion, values: wanted, listed, ...(blocked ? { blocked } : {}) });
  if (!listed) {
    return {
      changed: true,
      summary: `install ${chartAfter} as release ${p.name} in ${ns}`,
      diff: [{ label: `helm release ${ns}/${p.name}`, before: { state: 'absent' }, after: { chart: chartAfter, values: shown.after as Values } }],
      result: result('pending-install'),
      state: state('install'),
    };
  }
  const condition = conditionOf(listed.status);
  if (condition === 'pending' || condition === 'uninstalling') {
    const advice = condition === 'pending' ? pendingAdvice(listed, p.helm_binary) : `release ${p.name} in ${ns} is being uninstalled (revision ${listed.revision}); wait for that to finish, then run the task again`;
    ctx.warn(advice);
    return { changed: true, summary: `release ${p.name} is ${listed.status}: cannot upgrade it until that is resolved`, result: result(listed.status), state: state('blocked', advice) };
  }
  const chartChanged = deployedVer === null || (chart.version !== undefined && deployedVer !== chart.version);
  const valuesChanged = !sameValues(wanted, current ?? {});
  const reasons = [
    ...(condition === 'failed' ? [`its revision ${listed.revision} is ${listed.status}`] : []),
    ...(chartChanged ? [`chart ${listed.chart} → ${chartAfter}`] : []),
    ...(valuesChanged ? ['values changed'] : []),
  ];
  if (!reasons.length) return { changed: false, summary: `release ${p.name}: ${listed.chart} deployed (revision ${listed.revision}) with the values given`, result: result(listed.status) };
  return {
    changed: true,
    summary: `upgrade release ${p.name} in ${ns}: ${reasons.join(', ')}`,
    diff: [
      {
        label: `helm release ${ns}/${p.name}`,
        before: { chart: listed.chart, status: listed.status, revision: listed.revision, values: (shown.before ?? {}) as Values },
        after: { chart: chartAfter, status: 'deployed', revision: listed.revision + 1, values: shown.after as Values },
      },
    ],
    result: result(listed.status),
    state: state('upgrade'),
  };
}

function planAbsent(p: Params, target: HelmTarget, listed: ListedRelease | null, helmMajor: number): Plan<HelmState> {
  if (!listed || conditionOf(listed.status) === 'gone') return { changed: false, summary: `release ${p.name} is not installed in ${target.namespace}`, result: { name: p.name, namespace: target.namespace, status: 'absent' } };
  return {
    changed: true,
    summary: `uninstall release ${p.name} (${listed.chart}, revision ${listed.revision}) from ${target.namespace}`,
    diff: [{ label: `helm release ${target.namespace}/${p.name}`, before: { chart: listed.chart, status: listed.status, revision: listed.revision }, after: { state: 'absent' } }],
    result: { name: p.name, namespace: target.namespace, status: listed.status, revision: listed.revision },
    state: { action: 'uninstall', helmMajor, values: {}, listed },
  };
}

interface ReleaseOut {
  readonly version?: number;
  readonly info?: { readonly status?: string };
}

function parseRelease(stdout: string): ReleaseOut | null {
  try {
    const v = JSON.parse(stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1) ?? '') as unknown;
    return v !== null && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

/** A failed install or upgrade: the release, the revision that failed, helm's own error, and where the release is now. */
async function upgradeFailure(ctx: ApplyContext, p: Params, s: HelmState, target: HelmTarget, cmd: string, r: { exitCode: number; stdout: string; stderr: string }): Promise<ModuleFailure> {
  const attempted = (s.listed?.revision ?? 0) + 1;
  const what = s.action === 'install' ? `helm install of release ${p.name} in ${target.namespace} (revision ${attempted})` : `helm upgrade of release ${p.name} in ${target.namespace} to revision ${attempted}`;
  let now = '';
  try {
    const after = await ctx.probe(helmRelease, { ...target, release: p.name, v3: s.helmMajor < 4 });
    now = after ? `; the release is now ${after.status} at revision ${after.revision}${after.status === 'failed' ? ' (a rerun upgrades it again)' : ''}` : '; the release is not installed';
  } catch {
    // helm's own error says enough
  }
  return new ModuleFailure(`${what} failed: ${helmError(r.stderr, r.stdout)}${now}`, { rc: r.exitCode, command: cmd, stderr: r.stderr, name: p.name, namespace: target.namespace, revision: attempted });
}
