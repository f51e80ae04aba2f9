/**
 * What chart a task names, and so what the release's chart must be: a chart
 * of a repository (`chart_ref` NAME with `chart_repo_url`, or REPO/NAME of a
 * repository helm has added), an OCI reference (oci://HOST/PATH/NAME, the
 * version from chart_version or a :TAG), or a chart directory on the host
 * (its Chart.yaml gives name and version; helm ignores --version for it).
 */
export interface ChartTarget {
  readonly kind: 'repo' | 'oci' | 'local';
  /** the chart's name, as the release records it */
  readonly name: string;
  /** the wanted version without a leading v; undefined: any (see the change rule) */
  readonly version?: string | undefined;
  /** what helm upgrade is given as CHART */
  readonly ref: string;
}

export class ChartRefError extends Error {}

export function chartVersion(v: string): string {
  return v.trim().replace(/^v(?=\d)/, '');
}

/** A chart_ref that names a path rather than a chart of a repository. */
export function looksLikePath(ref: string): boolean {
  return ref.startsWith('/') || ref.startsWith('./') || ref.startsWith('../') || ref.startsWith('~/') || ref === '.';
}

export function remoteChart(ref: string, repoUrl: string | undefined, version: string | undefined): ChartTarget {
  const wanted = version === undefined ? undefined : chartVersion(version);
  if (ref.startsWith('oci://')) {
    const last = ref.slice(ref.lastIndexOf('/') + 1);
    const [name = '', tag] = last.split(':');
    if (!name) throw new ChartRefError(`chart_ref ${ref}: no chart name at the end of the OCI reference`);
    // the tag goes to --version: helm's reference is the chart without it
    return { kind: 'oci', name, version: wanted ?? (tag ? chartVersion(tag) : undefined), ref: tag ? ref.slice(0, ref.length - tag.length - 1) : ref };
  }
  if (repoUrl !== undefined) {
    if (ref.includes('/')) throw new ChartRefError(`chart_ref ${ref} with chart_repo_url: give the chart's name alone`);
    return { kind: 'repo', name: ref, version: wanted, ref };
  }
  const slash = ref.indexOf('/');
  if (slash > 0 && slash === ref.lastIndexOf('/')) return { kind: 'repo', name: ref.slice(slash + 1), version: wanted, ref };
  throw new ChartRefError(
    `chart_ref ${ref} names no chart helm can find: give chart_repo_url with a chart name, REPO/NAME of a repository helm has added, oci://..., or the path of a chart directory on the host`,
  );
}

/** A local chart from its Chart.yaml (already parsed). */
export function localChart(ref: string, chartYaml: unknown): ChartTarget {
  const m = chartYaml !== null && typeof chartYaml === 'object' ? (chartYaml as Record<string, unknown>) : {};
  if (typeof m.name !== 'string' || !m.name) throw new ChartRefError(`${ref}/Chart.yaml has no name`);
  if (typeof m.version !== 'string' && typeof m.version !== 'number') throw new ChartRefError(`${ref}/Chart.yaml has no version`);
  return { kind: 'local', name: m.name, version: chartVersion(String(m.version)), ref };
}

/**
 * The version of the release's chart, from `helm list`'s NAME-VERSION, when its name is `name`;
 * null when the release runs another chart.
 */
export function deployedVersion(listed: string, name: string): string | null {
  if (!listed.startsWith(`${name}-`)) return null;
  const rest = listed.slice(name.length + 1);
  return /^v?\d/.test(rest) ? chartVersion(rest) : null;
}
