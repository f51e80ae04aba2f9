/**
 * Where apt_repo keeps a repository's files and what its source entry says:
 * the one-line format (`deb [signed-by=...] URI SUITE [COMPONENT...]`) in
 * `/etc/apt/sources.list.d/<name>.list`, the key in
 * `/etc/apt/keyrings/<name>.gpg`. Pure functions.
 */
import { aptGet } from './apt-commands.js';

export const KEYRING_DIR = '/etc/apt/keyrings';
export const SOURCES_DIR = '/etc/apt/sources.list.d';

export interface RepoPaths {
  readonly keyring: string;
  readonly source: string;
}

export function repoPaths(name: string): RepoPaths {
  return { keyring: `${KEYRING_DIR}/${name}.gpg`, source: `${SOURCES_DIR}/${name}.list` };
}

export interface SourceSpec {
  readonly url: string;
  readonly suite: string;
  readonly components: readonly string[];
  readonly architectures?: readonly string[];
  readonly keyring: string;
}

/** `deb [arch=amd64 signed-by=/etc/apt/keyrings/k.gpg] https://pkgs.k8s.io/core:/stable:/v1.34/deb/ /` */
export function sourceLine(s: SourceSpec): string {
  const options = [...(s.architectures?.length ? [`arch=${s.architectures.join(',')}`] : []), `signed-by=${s.keyring}`];
  return ['deb', `[${options.join(' ')}]`, s.url, s.suite, ...s.components].join(' ');
}

/**
 * `apt-get update` of this one source only: other repositories are neither
 * fetched (fast, and their outages do not fail this task) nor their lists
 * cleaned. `--error-on=any` makes a failed fetch or a bad signature an
 * error: without it apt-get exits 0 and keeps the old lists.
 */
export function updateOneSource(source: string): string {
  return aptGet(['update', '--error-on=any', '-o', `Dir::Etc::SourceList=${source}`, '-o', 'Dir::Etc::SourceParts=-', '-o', 'APT::Get::List-Cleanup=0']);
}
