/**
 * What helm says of a release, parsed: its version line, the `helm list`
 * element, and the words for a release that is stuck (pending-*: an
 * interrupted or concurrent operation, helm/helm#7476) or failed.
 */
export interface HelmVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly text: string;
}

/** `v3.21.4+g1234567` or `v4.2.4` → the numbers. */
export function parseHelmVersion(stdout: string): HelmVersion | null {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(stdout.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: stdout.trim() };
}

/** One element of `helm list -o json` (Helm's releaseElement). */
export interface ListedRelease {
  readonly name: string;
  readonly namespace: string;
  readonly revision: number;
  readonly updated: string;
  readonly status: string;
  /** NAME-VERSION */
  readonly chart: string;
  readonly app_version: string;
}

export function parseListed(stdout: string, release: string): ListedRelease | null {
  let list: unknown;
  try {
    list = JSON.parse(stdout.trim() || '[]');
  } catch {
    throw new Error(`helm list printed no JSON: ${stdout.slice(0, 200)}`);
  }
  if (!Array.isArray(list)) return null;
  const found = (list as Record<string, unknown>[]).find((e) => e.name === release);
  if (!found) return null;
  const s = (k: string): string => {
    const v = found[k];
    return typeof v === 'string' ? v : typeof v === 'number' ? v.toString() : '';
  };
  return { name: s('name'), namespace: s('namespace'), revision: Number(found.revision), updated: s('updated'), status: s('status'), chart: s('chart'), app_version: s('app_version') };
}

export type ReleaseCondition = 'deployed' | 'failed' | 'pending' | 'uninstalling' | 'gone';

export function conditionOf(status: string): ReleaseCondition {
  if (status === 'deployed') return 'deployed';
  if (status.startsWith('pending-')) return 'pending';
  if (status === 'uninstalling') return 'uninstalling';
  if (status === 'uninstalled') return 'gone'; // kept history only: upgrade --install installs again
  return 'failed'; // failed, superseded or unknown as the latest revision: an upgrade settles it
}

/** What to do about a release stuck in pending-* (Helm refuses every upgrade until it is resolved). */
export function pendingAdvice(r: ListedRelease, helm: string): string {
  const ns = `-n ${r.namespace}`;
  const fix =
    r.status === 'pending-install' || r.revision <= 1
      ? `\`${helm} uninstall ${r.name} ${ns}\` and run the task again (nothing was ever deployed)`
      : `\`${helm} rollback ${r.name} ${r.revision - 1} ${ns}\` (or to the last revision \`${helm} history ${r.name} ${ns}\` shows deployed), then run the task again`;
  return (
    `release ${r.name} in ${r.namespace} is ${r.status} at revision ${r.revision}: an earlier helm operation was interrupted or is still running, ` +
    `and helm refuses every upgrade ("another operation (install/upgrade/rollback) is in progress") until it is resolved. ` +
    `If nothing else is deploying it: ${fix}`
  );
}

/** The last line of helm's stderr that says what went wrong. */
export function helmError(stderr: string, stdout: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const err = [...lines].reverse().find((l) => l.startsWith('Error:'));
  return err ?? lines.at(-1) ?? (stdout.trim().split('\n').at(-1) || 'no output');
}
