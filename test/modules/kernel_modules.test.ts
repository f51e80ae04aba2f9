import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kernelModules, { editModulesFile } from '../../src/modules/kernel_modules.js';
import { parseStatus } from '../../src/modules/support/kernel-module-probe.js';
import { DockerConnection } from '../../src/engine/transport/docker.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { labAvailable, startHosts, type LabHost } from '../lab/index.js';
import { runModuleOn } from '../helpers/engine-semantics.js';
import { InvalidParams, validateParams } from '../helpers/module-harness.js';

describe('modules-load.d file editing', () => {
  it.each([
    ['append to nothing', '', ['overlay', 'br_netfilter'], true, 'overlay\nbr_netfilter\n'],
    ['listed modules stay as written ("-" and "_" alike)', '# k8s\nbr-netfilter\n', ['br_netfilter', 'overlay'], true, '# k8s\nbr-netfilter\noverlay\n'],
    ['nothing to add is the same text', 'overlay', ['overlay'], true, 'overlay'],
    ['a missing final newline is added before appending', 'vxlan', ['overlay'], true, 'vxlan\noverlay\n'],
    ['absent removes the lines only', '# keep\noverlay\nvxlan\n', ['overlay'], false, '# keep\nvxlan\n'],
  ] as const)('%s', (_n, text, mods, present, after) => expect(editModulesFile(text, mods, present)).toBe(after));

  it('parses the probe lines', () => {
    const s = parseStatus('overlay builtin\nnope missing modprobe: FATAL: Module nope not found in directory /lib/modules/6.1\nip_vs loadable\n');
    expect(Object.fromEntries(s)).toEqual({
      overlay: { status: 'builtin', message: '' },
      nope: { status: 'missing', message: 'modprobe: FATAL: Module nope not found in directory /lib/modules/6.1' },
      ip_vs: { status: 'loadable', message: '' },
    });
  });
});

describe('kernel_modules params', () => {
  it.each([
    [{}, /needs one of 'names', 'name'/],
    [{ names: [] }, /\(names\): must NOT have fewer than 1 items/],
    [{ names: ['overlay; reboot'] }, /\(names\[0\]\): expected a string that must match pattern/],
    [{ name: 'overlay', file: '../evil' }, /\(file\): expected a string that must match pattern/],
    [{ name: 'overlay', state: 'loaded' }, /\(state\): expected 'present' or 'absent'/],
    [{ name: 'overlay', params: 'x=1' }, /unknown parameter/],
  ])('rejects %j', (params, msg) => {
    expect(() => validateParams(kernelModules, params)).toThrow(InvalidParams);
    expect(() => validateParams(kernelModules, params)).toThrow(msg);
  });
});

const ready = await labAvailable(['systemd']);

describe.skipIf(!ready)('kernel_modules on a systemd lab host (overlay and br_netfilter are built into the kernel; no module can be inserted)', () => {
  let host: LabHost;
  let conn: DockerConnection;
  const file = '/etc/modules-load.d/k8s.conf';
  const params = { names: ['overlay', 'br_netfilter'] };

  beforeAll(async () => {
    [host] = (await startHosts(1, { kind: 'systemd', namePrefix: 'kmod' })) as [LabHost];
    conn = await DockerConnection.open(host.name, host.container);
  }, 120_000);
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
  });

  it('built-in modules count as loaded: check predicts only the file, the run writes it, a second run is a no-op', async () => {
    await host.exec(`rm -f ${file}`);
    const predicted = await runModuleOn(conn, kernelModules, params, { check: true, diff: true });
    expect(predicted.changed).toBe(true);
    expect(predicted.plan.diff).toEqual([{ label: file, before: '', after: 'overlay\nbr_netfilter\n' }]);
    expect(predicted.result.modules).toEqual({ overlay: 'builtin', br_netfilter: 'builtin' });
    expect(await host.readFile(file)).toBeNull();

    const real = await runModuleOn(conn, kernelModules, params, { diff: true });
    expect(real.changed).toBe(true);
    expect(real.plan.diff).toEqual(predicted.plan.diff);
    expect(real.commands.some((c) => c.includes('modprobe --'))).toBe(false);
    expect(await host.readFile(file)).toBe('overlay\nbr_netfilter\n');

    expect((await runModuleOn(conn, kernelModules, params)).changed).toBe(false);
    expect((await runModuleOn(conn, kernelModules, params, { check: true })).changed).toBe(false);
  });

  it('another file name; state=absent takes a module off the list and keeps the rest', async () => {
    const other = '/etc/modules-load.d/cni.conf';
    await host.exec(`printf '# cni\\noverlay\\n' > ${other}`);
    const add = await runModuleOn(conn, kernelModules, { name: 'br_netfilter', file: 'cni.conf' }, { diff: true });
    expect(add.plan.diff).toEqual([{ label: other, before: '# cni\noverlay\n', after: '# cni\noverlay\nbr_netfilter\n' }]);
    const gone = await runModuleOn(conn, kernelModules, { name: 'overlay', file: 'cni', state: 'absent' }, { diff: true });
    expect(gone.changed).toBe(true);
    expect(await host.readFile(other)).toBe('# cni\nbr_netfilter\n');
    expect((await runModuleOn(conn, kernelModules, { name: 'overlay', file: 'cni', state: 'absent' })).changed).toBe(false);
  });

  it('a module that exists nowhere fails naming it, and nothing is written for the others', async () => {
    await host.exec(`rm -f ${file}`);
    const err = await runModuleOn(conn, kernelModules, { names: ['overlay', 'tsplay_no_such_mod'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toMatch(
      /^kernel module not found: tsplay_no_such_mod \(modprobe: FATAL: Module tsplay_no_such_mod not found in directory \/lib\/modules\/[^)]+\): not loaded, not built into the kernel, and modprobe cannot find it$/,
    );
    expect(await host.readFile(file)).toBeNull();
  });

  it('a module modprobe finds but cannot load: check predicts the modprobe; the run fails naming it and leaves the file as it was', async () => {
    // a stand-in module: modules.dep lists it, so `modprobe -n` finds it; the kernel refuses to insert it
    const made = await host.exec('d=/lib/modules/$(uname -r) && mkdir -p $d/kernel && printf junk > $d/kernel/tsplay_fake.ko && depmod -a 2>/dev/null; modprobe -n -q tsplay_fake');
    expect(made.exitCode).toBe(0);
    await host.exec(`printf 'overlay\\n' > ${file}`);
    const wanted = { names: ['overlay', 'tsplay_fake'] };
    const predicted = await runModuleOn(conn, kernelModules, wanted, { check: true, diff: true });
    expect(predicted.plan.diff).toEqual([
      { label: file, before: 'overlay\n', after: 'overlay\ntsplay_fake\n' },
      { label: 'kernel modules', before: { tsplay_fake: 'not loaded' }, after: { tsplay_fake: 'loaded' } },
    ]);
    const err = await runModuleOn(conn, kernelModules, wanted).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toMatch(/^modprobe tsplay_fake failed: modprobe: ERROR: could not insert 'tsplay_fake'/);
    expect(await host.readFile(file)).toBe('overlay\n');
    await host.exec('rm -rf /lib/modules');
  });
});
