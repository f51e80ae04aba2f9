/**
 * helm command lines. Helm 4 renamed --atomic to --rollback-on-failure and
 * made --wait a strategy (watcher waits for the objects to be ready); Helm 3
 * has the boolean --wait and --atomic. Values always travel on stdin
 * (`-f -`), never on the command line or in a file, and --reset-values makes
 * the release's values exactly the given ones (without it, an upgrade with no
 * values keeps the last release's: Helm's reuse rule).
 */
import { quote } from '../../../engine/module.js';
import type { ChartTarget } from './chart-ref.js';

/** Where helm runs against: the binary, kubeconfig and context on the host, the release namespace. */
export interface HelmTarget {
  readonly binary: string;
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly namespace: string;
}

export function helmBase(t: HelmTarget): string {
  return [
    quote(t.binary),
    ...(t.kubeconfig ? ['--kubeconfig', quote(t.kubeconfig)] : []),
    ...(t.context ? ['--kube-context', quote(t.context)] : []),
    '-n',
    quote(t.namespace),
  ].join(' ');
}

export interface UpgradeOptions {
  readonly release: string;
  readonly chart: ChartTarget;
  /** the version to ask for (the wanted one, or the deployed one when none is wanted) */
  readonly version?: string | undefined;
  readonly repoUrl?: string | undefined;
  readonly helmMajor: number;
  readonly createNamespace: boolean;
  readonly wait: boolean;
  readonly atomic: boolean;
  readonly timeout?: string | undefined;
  readonly serverSide?: 'auto' | 'true' | 'false' | undefined;
}

export function upgradeCommand(t: HelmTarget, o: UpgradeOptions): string {
  const v4 = o.helmMajor >= 4;
  const args = [
    helmBase(t),
    'upgrade',
    '--install',
    quote(o.release),
    quote(o.chart.ref),
    ...(o.repoUrl ? ['--repo', quote(o.repoUrl)] : []),
    ...(o.version !== undefined && o.chart.kind !== 'local' ? ['--version', quote(o.version)] : []),
    ...(o.createNamespace ? ['--create-namespace'] : []),
    '--reset-values',
    '-f',
    '-',
    '-o',
    'json',
    ...(o.wait ? [v4 ? '--wait=watcher' : '--wait'] : []),
    ...(o.atomic ? [v4 ? '--rollback-on-failure' : '--atomic'] : []),
    ...(o.timeout ? ['--timeout', quote(o.timeout)] : []),
    ...(o.serverSide && v4 ? [`--server-side=${o.serverSide}`] : []),
  ];
  return args.join(' ');
}

export function uninstallCommand(t: HelmTarget, release: string, wait: boolean, timeout: string | undefined): string {
  return [helmBase(t), 'uninstall', quote(release), ...(wait ? ['--wait'] : []), ...(timeout ? ['--timeout', quote(timeout)] : [])].join(' ');
}
