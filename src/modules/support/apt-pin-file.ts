/**
 * apt_pin's requests and its preferences file (apt_preferences(5)): one
 * stanza per package pinning the exact version installed, so apt's candidate
 * stays there whatever newer versions the repository offers. Pure functions.
 */
import type { PackageRequest } from './apt-packages.js';

export const PREFERENCES_DIR = '/etc/apt/preferences.d';

export type PinEntry = string | { readonly name: string; readonly version?: string };

/** The task's packages as requests: `name=version` strings, `{name, version}` objects, or bare names taking `version`. */
export function pinRequests(entries: readonly PinEntry[], version: string | undefined): PackageRequest[] {
  const out: PackageRequest[] = [];
  for (const e of entries) {
    const [name, own] = typeof e === 'string' ? splitSpec(e) : [e.name, e.version];
    const v = own ?? version;
    if (v === undefined) throw new PinRequestError(`${name}: no version to pin (write ${name}=<version>, give it a version, or set version for all packages)`);
    if (out.some((r) => r.name === name)) throw new PinRequestError(`${name} is named twice`);
    out.push({ name, version: v });
  }
  return out;
}

function splitSpec(spec: string): [string, string | undefined] {
  const i = spec.indexOf('=');
  return i < 0 ? [spec, undefined] : [spec.slice(0, i), spec.slice(i + 1)];
}

/** A request apt_pin cannot make sense of; the module turns it into a ModuleFailure. */
export class PinRequestError extends Error {
  readonly code = 'E_APT_PIN_REQUEST';
}

/**
 * The default file name: the package names, sorted, joined by `-`. apt reads
 * only names of letters, digits, `_`, `-` and `.`, and skips names with an
 * extension other than `.pref`, so anything else becomes `_`.
 */
export function defaultPinFile(names: readonly string[]): string {
  return [...names].sort().join('-').replace(/[^A-Za-z0-9_-]/g, '_');
}

export function preferencesFile(pins: readonly { name: string; version: string }[], priority: number): string {
  return pins.map((p) => `Explanation: managed by tsplay apt_pin\nPackage: ${p.name}\nPin: version ${p.version}\nPin-Priority: ${priority}\n`).join('\n');
}

/** `apt-mark showhold`: one held package per line (with `:arch` on multi-arch hosts). */
export function parseHolds(stdout: string): Set<string> {
  return new Set(stdout.split('\n').map((l) => l.trim().replace(/:[a-z0-9]+$/, '')).filter(Boolean));
}
