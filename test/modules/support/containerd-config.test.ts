import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import {
  ContainerdConfigError,
  configVersionFor,
  majorOf,
  mergeOverrides,
  parseContainerdVersion,
  renderConfig,
  sameSettings,
} from '../../../src/modules/support/containerd-config.js';
import { ContainerdPlanError, planContainerd, type ContainerdFacts, type ContainerdWanted } from '../../../src/modules/support/containerd-plan.js';
import { anyOf } from '../../helpers/matchers.js';

const PAUSE = 'registry.k8s.io/pause:3.10.1';

/** The value at `path` in a TOML tree; every table on the way must be there (a missing last key is undefined). */
function at(tree: unknown, ...path: string[]): unknown {
  let v = tree;
  for (const [i, key] of path.entries()) {
    if (v === null || typeof v !== 'object') throw new Error(`no table at ${path.slice(0, i).join('.') || 'the top'}`);
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

describe('containerd version', () => {
  it.each([
    ['containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3', '1.6.20~ds1', 1],
    ['containerd containerd.io 1.7.27 05044ec0a9a75232cad458027ca83437aae3f4da', '1.7.27', 1],
    ['containerd github.com/containerd/containerd/v2 v2.1.4 75cb2b7193e4e490e9fbdc236c0e811ccaba3376', '2.1.4', 2],
    ['containerd github.com/containerd/containerd/v2 2.1.9+unknown \n', '2.1.9+unknown', 2],
  ])('%s', (out, version, major) => {
    expect(parseContainerdVersion(out)).toBe(version);
    expect(majorOf(version)).toBe(major);
  });
  it.each([[''], ['bash: containerd: command not found'], ['containerd something']])('no version in %j', (out) => expect(parseContainerdVersion(out)).toBeNull());
  it.each([
    ['1.6.20~ds1-1+deb12u3', 1],
    ['1:1.7.27-1', 1],
    ['2.1.4-1~debian.12~bookworm', 2],
    ['v2.0.0', 2],
  ])('major of package version %s', (v, major) => expect(majorOf(v)).toBe(major));
  it('config version per major', () => {
    expect(configVersionFor(1)).toBe(2);
    expect(configVersionFor(2)).toBe(3);
    expect(() => configVersionFor(3)).toThrow(/containerd 3.x is not supported/);
  });
});

describe('renderConfig', () => {
  it('containerd 1.x: version 2, sandbox_image and SystemdCgroup under io.containerd.grpc.v1.cri', () => {
    const text = renderConfig({ major: 1, sandboxImage: PAUSE, systemdCgroup: true });
    expect(text).toBe(
      [
        '# Written by tsplay (containerd module) for containerd 1.x: config version 2.',
        "# Settings not listed here take containerd's built-in defaults. Edits by hand are replaced on the next run.",
        '',
        'version = 2',
        '',
        '[plugins."io.containerd.grpc.v1.cri"]',
        `sandbox_image = "${PAUSE}"`,
        '',
        '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
        'runtime_type = "io.containerd.runc.v2"',
        '',
        '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
        'SystemdCgroup = true',
        '',
      ].join('\n'),
    );
  });

  it('containerd 2.x: version 3, pinned_images.sandbox under cri.v1.images, SystemdCgroup under cri.v1.runtime, no v2 sandbox_image', () => {
    const text = renderConfig({ major: 2, sandboxImage: PAUSE, systemdCgroup: true });
    const tree = parse(text);
    expect(tree.version).toBe(3);
    expect(at(tree, 'plugins', 'io.containerd.cri.v1.images', 'pinned_images', 'sandbox')).toBe(PAUSE);
    expect(at(tree, 'plugins', 'io.containerd.cri.v1.runtime', 'containerd', 'runtimes', 'runc')).toEqual({ runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: true } });
    expect(Object.keys(at(tree, 'plugins') as object).sort()).toEqual(['io.containerd.cri.v1.images', 'io.containerd.cri.v1.runtime']);
    expect(text).not.toContain('sandbox_image');
    expect(text).toContain(`[plugins."io.containerd.cri.v1.images".pinned_images]\nsandbox = "${PAUSE}"`);
    expect(text).toContain('[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]\nSystemdCgroup = true');
  });

  it('overrides merge into the tree; null removes a generated key', () => {
    const text = renderConfig({
      major: 1,
      sandboxImage: PAUSE,
      systemdCgroup: false,
      overrides: {
        oom_score: -999,
        plugins: {
          'io.containerd.grpc.v1.cri': { registry: { config_path: '/etc/containerd/certs.d' }, sandbox_image: null, containerd: { runtimes: { runc: { options: { BinaryName: '/usr/bin/runc' } } } } },
          'io.containerd.gc.v1.scheduler': { pause_threshold: 0.05 },
        },
      },
    });
    const tree = parse(text);
    expect(tree.oom_score).toBe(-999);
    const cri = (...path: string[]): unknown => at(tree, 'plugins', 'io.containerd.grpc.v1.cri', ...path);
    expect(cri('sandbox_image')).toBeUndefined();
    expect(cri('registry', 'config_path')).toBe('/etc/containerd/certs.d');
    expect(cri('containerd', 'runtimes', 'runc')).toEqual({ runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: false, BinaryName: '/usr/bin/runc' } });
    expect(at(tree, 'plugins', 'io.containerd.gc.v1.scheduler', 'pause_threshold')).toBe(0.05);
  });

  it('renders the same bytes for the same settings (key order of overrides aside from insertion)', () => {
    const s = { major: 2, sandboxImage: PAUSE, systemdCgroup: true, overrides: { plugins: { 'io.containerd.cri.v1.images': { snapshotter: 'overlayfs' } } } };
    expect(renderConfig(s)).toBe(renderConfig(structuredClone(s)));
  });

  it.each([
    ['a v2 sandbox_image in a v3 file', 2, { plugins: { 'io.containerd.grpc.v1.cri': { sandbox_image: 'x' } } }, /plugins.io.containerd.grpc.v1.cri.sandbox_image belongs to config version 2, but containerd 2.x reads version 3/],
    ['a v2 runtime table in a v3 file', 2, { plugins: { 'io.containerd.grpc.v1.cri': { containerd: { runtimes: {} } } } }, /io.containerd.grpc.v1.cri.containerd belongs to config version 2/],
    ['a v3 plugin in a v2 file', 1, { plugins: { 'io.containerd.cri.v1.images': { pinned_images: { sandbox: 'x' } } } }, /plugins.io.containerd.cri.v1.images belongs to config version 3, but containerd 1.x reads version 2/],
    ['the version itself', 1, { version: 3 }, /config.version cannot be overridden/],
    ['null inside an array', 1, { plugins: { x: { dirs: ['/a', null] } } }, /config.plugins.x.dirs\[1\]: null is not a TOML value/],
    ['a value that is not data', 1, { x: { y: () => 1 } }, /config.x.y: a function is not a TOML value/],
  ])('refuses %s', (_n, major, overrides, msg) => {
    expect(() => renderConfig({ major, sandboxImage: PAUSE, systemdCgroup: true, overrides })).toThrow(ContainerdConfigError);
    expect(() => renderConfig({ major, sandboxImage: PAUSE, systemdCgroup: true, overrides })).toThrow(msg);
  });

  it('v3 keeps the CRI server settings that still live under io.containerd.grpc.v1.cri', () => {
    const text = renderConfig({ major: 2, sandboxImage: PAUSE, systemdCgroup: true, overrides: { plugins: { 'io.containerd.grpc.v1.cri': { stream_server_port: '10010' } } } });
    expect(at(parse(text), 'plugins', 'io.containerd.grpc.v1.cri')).toEqual({ stream_server_port: '10010' });
  });

  it('mergeOverrides leaves its inputs alone', () => {
    const base = { a: { b: 1 } };
    const merged = mergeOverrides(base, { a: { c: 2 } });
    expect(merged).toEqual({ a: { b: 1, c: 2 } });
    expect(base).toEqual({ a: { b: 1 } });
  });
});

describe('sameSettings', () => {
  const ours = renderConfig({ major: 1, sandboxImage: PAUSE, systemdCgroup: true });
  it.each([
    ['identical', ours, true],
    ['comments and layout differ', `version=2\n[plugins]\n  [plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image="${PAUSE}" # pause\n  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  runtime_type="io.containerd.runc.v2"\n  options = { SystemdCgroup = true }\n`, true],
    ['SystemdCgroup turned off', ours.replace('SystemdCgroup = true', 'SystemdCgroup = false'), false],
    ['another key', `${ours}oom_score = 1\n`, false],
    ['not TOML', 'version = = 2', false],
  ])('%s', (_n, other, same) => expect(sameSettings(other, ours)).toBe(same));
});

describe('planContainerd', () => {
  const wanted: ContainerdWanted = { packageName: 'containerd', configPath: '/etc/containerd/config.toml', sandboxImage: PAUSE, systemdCgroup: true, overrides: {}, cacheUpdatePending: false };
  const v1 = renderConfig({ major: 1, sandboxImage: PAUSE, systemdCgroup: true });
  const v2 = renderConfig({ major: 2, sandboxImage: PAUSE, systemdCgroup: true });
  const running = { running: true, enabled: true };
  const base: ContainerdFacts = { installed: '1.6.20~ds1-1+deb12u3', candidate: null, binaryVersion: '1.6.20~ds1', existingConfig: v1, service: running };

  const cases: { name: string; facts: Partial<ContainerdFacts>; want?: Partial<ContainerdWanted>; expect: Partial<ReturnType<typeof planContainerd>> }[] = [
    { name: 'all as wanted', facts: {}, expect: { changed: false, install: null, writeConfig: false, service: null, enable: false, configVersion: 2 } },
    { name: 'fresh host: install the candidate, write for its version, restart', facts: { installed: null, candidate: '1.6.20~ds1-1+deb12u3', binaryVersion: null, existingConfig: null, service: null }, expect: { changed: true, install: '1.6.20~ds1-1+deb12u3', content: v1, configVersion: 2, writeConfig: true, service: 'restart', enable: false } },
    { name: 'fresh host, containerd.io 2.x candidate: version 3', facts: { installed: null, candidate: '2.1.4-1~debian.12~bookworm', binaryVersion: null, existingConfig: null, service: null }, want: { packageName: 'containerd.io' }, expect: { install: '2.1.4-1~debian.12~bookworm', content: v2, configVersion: 3 } },
    { name: 'fresh host, cache refresh pending: version unknown', facts: { installed: null, candidate: null, binaryVersion: null, existingConfig: null, service: null }, want: { cacheUpdatePending: true }, expect: { install: '', version: null, content: null, writeConfig: true, service: 'restart' } },
    { name: 'installed 2.x with a v2 file: rewritten as v3', facts: { installed: '2.1.9+ds1-5', binaryVersion: '2.1.9+unknown', existingConfig: v1 }, expect: { configVersion: 3, content: v2, writeConfig: true, settingsChange: true, service: 'restart' } },
    { name: 'edited by hand: put back, restart', facts: { existingConfig: v1.replace('true', 'false') }, expect: { writeConfig: true, settingsChange: true, service: 'restart' } },
    { name: 'only a comment differs: rewrite without restart', facts: { existingConfig: `${v1}# note\n` }, expect: { changed: true, writeConfig: true, settingsChange: false, service: null } },
    { name: 'stopped: start', facts: { service: { running: false, enabled: true } }, expect: { changed: true, writeConfig: false, service: 'start' } },
    { name: 'disabled: enable', facts: { service: { running: true, enabled: false } }, expect: { changed: true, service: null, enable: true } },
  ];
  it.each(cases)('$name', ({ facts, want, expect: e }) => {
    const plan = planContainerd({ ...base, ...facts }, { ...wanted, ...want });
    expect(plan).toMatchObject(e);
    if (plan.writeConfig) expect(plan.diff.find((d) => d.label === wanted.configPath)).toEqual({ label: wanted.configPath, before: ('existingConfig' in facts ? facts.existingConfig : base.existingConfig) ?? '', after: plan.content ?? anyOf(String) });
    else expect(plan.diff).toEqual([]);
  });

  it.each([
    ['a package apt does not know', { installed: null, candidate: null, binaryVersion: null }, /package containerd is not installed and apt knows no version of it/],
    ['a package without a working binary', { binaryVersion: null }, /`containerd --version` gives no version/],
    ['containerd 3.x', { binaryVersion: '3.0.0' }, /containerd 3.x is not supported/],
  ])('refuses %s', (_n, facts, msg) => {
    expect(() => planContainerd({ ...base, ...facts }, wanted)).toThrow(msg);
  });
  it('errors are typed', () => expect(() => planContainerd({ ...base, installed: null, candidate: null }, wanted)).toThrow(ContainerdPlanError));
});
