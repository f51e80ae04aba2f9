/**
 * containerd's /etc/containerd/config.toml as a pure function of the
 * containerd version and the module's settings.
 *
 * The file is rendered minimal, not from `containerd config default`: it holds
 * only what tsplay manages (config version, the runc runtime with
 * SystemdCgroup, the sandbox image) plus the user's overrides, and containerd
 * fills every other setting with its built-in defaults. That keeps the file the
 * same across containerd patch releases and distribution builds (a default
 * dump changes with them, which would mean a rewrite and a restart on every
 * package upgrade), and lets --check show the exact file on a host where
 * containerd is not installed yet.
 *
 * Where the settings live (containerd docs/cri/config.md):
 *  - config version 2 (containerd 1.x):
 *    [plugins."io.containerd.grpc.v1.cri"] sandbox_image,
 *    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options] SystemdCgroup
 *  - config version 3 (containerd 2.x):
 *    [plugins.'io.containerd.cri.v1.images'.pinned_images] sandbox,
 *    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options] SystemdCgroup
 */
import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'smol-toml';

export type ConfigVersion = 2 | 3;

export interface ContainerdSettings {
  /** containerd's major version: 1 → config version 2, 2 → config version 3 */
  readonly major: number;
  readonly sandboxImage: string;
  readonly systemdCgroup: boolean;
  /** a nested map merged over the generated settings; null removes a key */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

/** A setting the user or the host gave that cannot be rendered; the module turns it into a ModuleFailure. */
export class ContainerdConfigError extends Error {
  readonly code = 'E_CONTAINERD_CONFIG';
}

const V2_CRI = 'io.containerd.grpc.v1.cri';
const V3_RUNTIME = 'io.containerd.cri.v1.runtime';
const V3_IMAGES = 'io.containerd.cri.v1.images';

/**
 * The containerd version from `containerd --version`, e.g.
 * `containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3`,
 * `containerd containerd.io 1.7.27 05044ec0...` or
 * `containerd github.com/containerd/containerd/v2 v2.1.4 75cb2b7...`.
 */
export function parseContainerdVersion(output: string): string | null {
  const words = output.trim().split(/\s+/);
  if (words[0] !== 'containerd') return null;
  for (const w of words.slice(1)) {
    const m = /^v?(\d+\.\d+\.\d+\S*)$/.exec(w);
    if (m?.[1]) return m[1];
  }
  return null;
}

/** The major version of a containerd or package version (`1.6.20~ds1`, `2.1.4-1`, `1:1.7.27-1` with an epoch). */
export function majorOf(version: string): number | null {
  const m = /^(?:\d+:)?v?(\d+)\.\d+/.exec(version.trim());
  return m?.[1] ? Number(m[1]) : null;
}

export function configVersionFor(major: number): ConfigVersion {
  if (major === 1) return 2;
  if (major === 2) return 3;
  throw new ContainerdConfigError(`containerd ${major}.x is not supported: config version 2 is written for containerd 1.x, version 3 for 2.x`);
}

/** The settings tsplay manages, at the place the config version keeps them. */
export function generatedConfig(s: ContainerdSettings): Record<string, unknown> {
  const version = configVersionFor(s.major);
  const runc = { runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: s.systemdCgroup } };
  if (version === 2) {
    return { version, plugins: { [V2_CRI]: { sandbox_image: s.sandboxImage, containerd: { runtimes: { runc } } } } };
  }
  return {
    version,
    plugins: {
      [V3_IMAGES]: { pinned_images: { sandbox: s.sandboxImage } },
      [V3_RUNTIME]: { containerd: { runtimes: { runc } } },
    },
  };
}

/** Plugin sections and keys that belong to the other config version: containerd would ignore them without a word. */
export function misplacedOverrides(version: ConfigVersion, overrides: Readonly<Record<string, unknown>>): string[] {
  const plugins = isTable(overrides.plugins) ? overrides.plugins : {};
  if (version === 2) return Object.keys(plugins).filter((k) => k.startsWith('io.containerd.cri.v1.')).map((k) => `plugins.${k}`);
  const cri = plugins[V2_CRI];
  if (!isTable(cri)) return [];
  // in version 3 io.containerd.grpc.v1.cri keeps only the CRI server's own settings (streaming, TCP service)
  return ['sandbox_image', 'containerd', 'registry', 'cni', 'image_decryption'].filter((k) => k in cri).map((k) => `plugins.${V2_CRI}.${k}`);
}

/** Deep merge: tables merge key by key, anything else replaces, null removes. */
export function mergeOverrides(base: Readonly<Record<string, unknown>>, overrides: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const removed = (key: string): boolean => Object.hasOwn(overrides, key) && overrides[key] === null;
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(base).filter(([key]) => !removed(key)));
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) continue;
    if (isTable(value) && isTable(out[key])) out[key] = mergeOverrides(out[key], value);
    else if (isTable(value)) out[key] = mergeOverrides({}, value);
    else out[key] = value;
  }
  return out;
}

const HEADER = (major: number, version: ConfigVersion): string =>
  `# Written by tsplay (containerd module) for containerd ${major}.x: config version ${version}.\n` +
  '# Settings not listed here take containerd\'s built-in defaults. Edits by hand are replaced on the next run.\n\n';

/** The whole file: header, `version` first, then the tables. */
export function renderConfig(s: ContainerdSettings): string {
  const version = configVersionFor(s.major);
  const overrides = s.overrides ?? {};
  if ('version' in overrides) throw new ContainerdConfigError('config.version cannot be overridden: it follows the installed containerd (2 for 1.x, 3 for 2.x)');
  const misplaced = misplacedOverrides(version, overrides);
  if (misplaced.length) {
    throw new ContainerdConfigError(
      `config ${misplaced.join(', ')} belongs to config version ${version === 2 ? 3 : 2}, but containerd ${s.major}.x reads version ${version}: containerd would ignore it`,
    );
  }
  checkValues(overrides, 'config');
  const tree = mergeOverrides(generatedConfig(s), overrides);
  let body: string;
  try {
    body = stringify(tree);
  } catch (e) {
    throw new ContainerdConfigError(`config overrides cannot be written as TOML: ${e instanceof Error ? e.message : String(e)}`);
  }
  return HEADER(s.major, version) + body.trimEnd() + '\n';
}

/** Values a YAML map can hold that TOML cannot: null outside a table (where it removes a key), and anything not data. */
function checkValues(v: unknown, path: string): void {
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      if (item === null || item === undefined) throw new ContainerdConfigError(`${path}[${i}]: null is not a TOML value (null removes a key only as a table's value)`);
      checkValues(item, `${path}[${i}]`);
    });
  } else if (isTable(v)) {
    for (const [k, item] of Object.entries(v)) checkValues(item, `${path}.${k}`);
  } else if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) {
    throw new ContainerdConfigError(`${path}: a ${typeof v} is not a TOML value`);
  }
}

/** Whether two config texts say the same to containerd (comments, layout and key order aside); unparsable text never does. */
export function sameSettings(a: string, b: string): boolean {
  try {
    return isDeepStrictEqual(normalise(parse(a)), normalise(parse(b)));
  } catch {
    return false;
  }
}

function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (isTable(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, normalise(v[k])]));
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  return v;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
