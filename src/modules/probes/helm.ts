/** Probes of helm on the host: its version, a release as `helm list` shows it, a release's values. */
import { defineProbe, ModuleFailure, quote } from '../../engine/module.js';
import { helmBase, type HelmTarget } from '../support/helm/command.js';
import { parseHelmVersion, parseListed, type HelmVersion, type ListedRelease } from '../support/helm/release.js';

/** `helm version --short`; null when helm is not there (the shell's 127/126). */
export const helmVersion = defineProbe({
  name: 'helm.version',
  command: (binary: string) => `${quote(binary)} version --short`,
  parse: (r, binary): HelmVersion | null => {
    if (r.exitCode === 127 || r.exitCode === 126) return null;
    if (r.exitCode !== 0) throw new ModuleFailure(`${binary} version failed: ${r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}`}`, { rc: r.exitCode });
    const v = parseHelmVersion(r.stdout);
    if (!v) throw new ModuleFailure(`cannot read a version from \`${binary} version --short\`: ${r.stdout.trim()}`);
    return v;
  },
});

export interface ReleaseQuery extends HelmTarget {
  readonly release: string;
  /** Helm 3 lists only deployed and failed releases unless --all; Helm 4 lists every status and has no --all */
  readonly v3: boolean;
}

/** The release in `helm list -o json` (its latest revision, any status); null when there is none. */
export const helmRelease = defineProbe({
  name: 'helm.release',
  command: (q: ReleaseQuery) => `${helmBase(q)} list -o json --filter ${quote(`^${q.release.replace(/\./g, '\\.')}$`)}${q.v3 ? ' --all' : ''}`,
  parse: (r, q): ListedRelease | null => {
    if (r.exitCode !== 0) throw new ModuleFailure(`helm list in namespace ${q.namespace} failed: ${r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}`}`, { rc: r.exitCode });
    return parseListed(r.stdout, q.release);
  },
});

/** The user-supplied values of the release's latest revision (`helm get values -o json`; null when none). */
export const helmValues = defineProbe({
  name: 'helm.values',
  command: (q: ReleaseQuery) => `${helmBase(q)} get values ${quote(q.release)} -o json`,
  parse: (r, q): unknown => {
    if (r.exitCode !== 0) throw new ModuleFailure(`helm get values ${q.release} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`, { rc: r.exitCode });
    try {
      return JSON.parse(r.stdout || 'null') as unknown;
    } catch {
      throw new ModuleFailure(`helm get values ${q.release} printed no JSON: ${r.stdout.slice(0, 200)}`);
    }
  },
});
