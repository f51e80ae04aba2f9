/**
 * What the containerd module would do, as a pure function of what the host
 * says: the package (installed version, apt's candidate), the version the
 * containerd binary reports, the config file on disk and the service's state.
 * Check and apply both plan with it (apply again after an install, from the
 * installed binary), so the two cannot disagree.
 */
import type { Diff } from '../../engine/module.js';
import { configVersionFor, majorOf, renderConfig, sameSettings, type ConfigVersion } from './containerd-config.js';

export interface ContainerdFacts {
  /** the package's installed version, null when it is not installed */
  readonly installed: string | null;
  /** apt's candidate for the package, null when apt knows none */
  readonly candidate: string | null;
  /** what `containerd --version` reports, null when there is no binary */
  readonly binaryVersion: string | null;
  /** the config file's text, null when it does not exist */
  readonly existingConfig: string | null;
  /** the unit: running and enabled (null when systemd does not know it yet) */
  readonly service: { readonly running: boolean; readonly enabled: boolean } | null;
}

export interface ContainerdWanted {
  readonly packageName: string;
  readonly configPath: string;
  readonly sandboxImage: string;
  readonly systemdCgroup: boolean;
  readonly overrides: Readonly<Record<string, unknown>>;
  /** a cache refresh comes before the install: a package apt does not know yet is not an error */
  readonly cacheUpdatePending: boolean;
}

export type ServiceAction = 'restart' | 'start' | null;

export interface ContainerdPlan {
  /** the version to install, when the package is missing ('' when only known after apt-get update) */
  readonly install: string | null;
  /** the containerd version the config is written for, null when known only after the install */
  readonly version: string | null;
  readonly configVersion: ConfigVersion | null;
  /** the file to write, null when it depends on a version known only after the install */
  readonly content: string | null;
  readonly writeConfig: boolean;
  /** the file changes what containerd reads (not only comments or layout) */
  readonly settingsChange: boolean;
  readonly service: ServiceAction;
  readonly enable: boolean;
  readonly changed: boolean;
  readonly summary: string;
  readonly diff: readonly Diff[];
}

/** A state the module cannot plan from; it turns into a ModuleFailure. */
export class ContainerdPlanError extends Error {
  readonly code = 'E_CONTAINERD_PLAN';
}

export function planContainerd(f: ContainerdFacts, w: ContainerdWanted): ContainerdPlan {
  const install = f.installed === null ? installTarget(f, w) : null;
  const version = f.installed !== null ? binaryVersion(f, w) : install || null;
  const major = version === null ? null : majorOf(version);
  if (version !== null && major === null) throw new ContainerdPlanError(`cannot tell containerd's major version from '${version}'`);
  const configVersion = major === null ? null : configVersionFor(major);
  const content = major === null ? null : renderConfig({ major, sandboxImage: w.sandboxImage, systemdCgroup: w.systemdCgroup, overrides: w.overrides });
  const writeConfig = content === null || f.existingConfig !== content;
  const settingsChange = content === null || f.existingConfig === null || !sameSettings(f.existingConfig, content);
  // a fresh install starts containerd with the packaged config: it restarts once the file is written
  const service: ServiceAction = (writeConfig && settingsChange) || install !== null ? 'restart' : f.service?.running ? null : 'start';
  const enable = install === null && !(f.service?.enabled ?? false);
  const changed = install !== null || writeConfig || service !== null || enable;

  const steps = [
    ...(install !== null ? [`install ${w.packageName} ${install || '(version known after apt-get update)'}`] : []),
    ...(writeConfig ? [`write ${w.configPath}${configVersion ? ` (config version ${configVersion} for containerd ${version})` : ' for the installed version'}${settingsChange ? '' : ', layout only'}`] : []),
    ...(service ? [`${service} containerd`] : []),
    ...(enable ? ['enable containerd'] : []),
  ];
  const diff: Diff[] = [
    ...(install !== null ? [{ label: w.packageName, after: { version: install || '(known after apt-get update)' } }] : []),
    ...(writeConfig
      ? [{ label: w.configPath, before: f.existingConfig ?? '', after: content ?? '(written for the containerd version apt-get installs)\n' }]
      : []),
  ];
  return {
    install,
    version,
    configVersion,
    content,
    writeConfig,
    settingsChange,
    service,
    enable,
    changed,
    summary: steps.length ? steps.join(', ') : `containerd ${version} configured (config version ${configVersion}) and running`,
    diff,
  };
}

function installTarget(f: ContainerdFacts, w: ContainerdWanted): string {
  if (f.candidate !== null) return f.candidate;
  if (w.cacheUpdatePending) return '';
  throw new ContainerdPlanError(`package ${w.packageName} is not installed and apt knows no version of it: add its repository, or set update_cache: true`);
}

function binaryVersion(f: ContainerdFacts, w: ContainerdWanted): string {
  if (f.binaryVersion === null) {
    throw new ContainerdPlanError(`package ${w.packageName} ${f.installed} is installed but \`containerd --version\` gives no version: is containerd on the PATH?`);
  }
  return f.binaryVersion;
}
