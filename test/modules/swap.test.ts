import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import swap from '../../src/modules/swap.js';
import { activeSwaps, commentSwapLines, swapUnitPath } from '../../src/modules/support/swap-state.js';
import { DockerConnection } from '../../src/engine/transport/docker.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { labAvailable, startHosts, type LabHost } from '../lab/index.js';
import { runModuleOn } from '../helpers/engine-semantics.js';
import { PROC_SWAPS_HEADER, SwapOnConnection } from '../doubles/swap/swap-connection.js';
import { InvalidParams, validateParams } from '../helpers/module-harness.js';

describe('swap state parsing', () => {
  it('reads active areas from /proc/swaps', () => {
    const text = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/sda2                               partition\t2097148\t\t0\t\t-2\n/swap\\040file file 1024 0 -3\n';
    expect(activeSwaps(text)).toEqual(['/dev/sda2', '/swap file']);
    expect(activeSwaps('Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n')).toEqual([]);
  });
  it('comments out swap lines only, keeping the rest byte for byte', () => {
    const fstab = '# /etc/fstab\nUUID=1 / ext4 errors=remount-ro 0 1\n/swapfile none swap sw 0 0\n#/old none swap sw 0 0\nUUID=ab-12\tnone\tswap\tsw,pri=5\t0\t0\n';
    expect(commentSwapLines(fstab)).toEqual({
      text: '# /etc/fstab\nUUID=1 / ext4 errors=remount-ro 0 1\n#/swapfile none swap sw 0 0\n#/old none swap sw 0 0\n#UUID=ab-12\tnone\tswap\tsw,pri=5\t0\t0\n',
      devices: ['/swapfile', 'UUID=ab-12'],
    });
    expect(commentSwapLines('proc /proc proc defaults 0 0')).toEqual({ text: 'proc /proc proc defaults 0 0', devices: [] });
  });
  it.each([
    ['/dev/sda2', '/dev/sda2'],
    ['UUID=ab-12', '/dev/disk/by-uuid/ab-12'],
    ['LABEL="swap"', '/dev/disk/by-label/swap'],
    ['PARTUUID=x', '/dev/disk/by-partuuid/x'],
  ])('unit path of %s', (dev, path) => expect(swapUnitPath(dev)).toBe(path));
});

describe('swap params', () => {
  it.each([
    [{ state: 'on' }, /\(state\): expected 'off', got a string/],
    [{ fstab: 'etc/fstab' }, /\(fstab\): expected a string that must match pattern/],
    [{ swapoff: true }, /unknown parameter/],
  ])('rejects %j', (params, msg) => {
    expect(() => validateParams(swap, params)).toThrow(InvalidParams);
    expect(() => validateParams(swap, params)).toThrow(msg);
  });
  it('needs no parameters', () => expect(validateParams(swap, {})).toEqual({ state: 'off', fstab: '/etc/fstab', mask_units: true }));
});

const ready = await labAvailable(['systemd']);

// Containers have no swap of their own (and /proc/swaps is the machine's), so an active swap
// area comes from a stand-in (test/doubles/swap); fstab and the systemd units are real.
describe.skipIf(!ready)('swap on a systemd lab host', () => {
  let host: LabHost;
  let conn: DockerConnection;
  const fstab = '# /etc/fstab: static file system information.\nproc /proc proc defaults 0 0\n/swapfile none swap sw 0 0\nUUID=ab-12 none swap sw,pri=5 0 0\n';
  const commented = '# /etc/fstab: static file system information.\nproc /proc proc defaults 0 0\n#/swapfile none swap sw 0 0\n#UUID=ab-12 none swap sw,pri=5 0 0\n';
  const units = ['dev-disk-by\\x2duuid-ab\\x2d12.swap', 'swapfile.swap'];
  const loadState = async (unit: string): Promise<string> => (await host.exec(`systemctl show -p LoadState --value '${unit}'`)).stdout.trim();

  beforeAll(async () => {
    [host] = (await startHosts(1, { kind: 'systemd', namePrefix: 'swap' })) as [LabHost];
    conn = await DockerConnection.open(host.name, host.container);
  }, 120_000);
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
  });

  it('a host without swap anywhere is left alone', async () => {
    expect(await host.exec('cat /proc/swaps | wc -l')).toMatchObject({ stdout: '1\n' });
    const r = await runModuleOn(conn, swap, {}, { diff: true });
    expect(r.changed).toBe(false);
    expect(r.plan.summary).toBe('swap is off and stays off');
  });

  it('check predicts the fstab edit and the masks and changes nothing; the run does exactly that; a second run is a no-op', async () => {
    await host.exec(`printf '%s' '${fstab}' > /etc/fstab`);
    const predicted = await runModuleOn(conn, swap, {}, { check: true, diff: true });
    expect(predicted.changed).toBe(true);
    expect(predicted.plan.diff).toEqual([
      { label: '/etc/fstab', before: fstab, after: commented },
      { label: 'swap', before: { units: Object.fromEntries(units.map((u) => [u, 'not masked'])) }, after: { units: Object.fromEntries(units.map((u) => [u, 'masked'])) } },
    ]);
    expect(await host.readFile('/etc/fstab')).toBe(fstab);
    for (const u of units) expect(await loadState(u)).not.toBe('masked');

    const real = await runModuleOn(conn, swap, {}, { diff: true });
    expect(real.changed).toBe(true);
    expect(real.plan.diff).toEqual(predicted.plan.diff);
    expect(await host.readFile('/etc/fstab')).toBe(commented);
    for (const u of units) expect(await loadState(u)).toBe('masked');

    expect((await runModuleOn(conn, swap, {})).changed).toBe(false);
    expect((await runModuleOn(conn, swap, {}, { check: true })).changed).toBe(false);
  });

  it('a swap unit file of its own is masked too', async () => {
    await host.exec("printf '[Swap]\\nWhat=/extra-swap\\n' > /usr/lib/systemd/system/extra\\\\x2dswap.swap && systemctl daemon-reload");
    const r = await runModuleOn(conn, swap, {}, { diff: true });
    expect(r.plan.diff).toEqual([{ label: 'swap', before: { units: { 'extra\\x2dswap.swap': 'not masked' } }, after: { units: { 'extra\\x2dswap.swap': 'masked' } } }]);
    expect(await loadState('extra\\x2dswap.swap')).toBe('masked');
    expect((await runModuleOn(conn, swap, {})).changed).toBe(false);
  });

  it('the stand-in for an active swap area: /proc/swaps reads the given text until swapoff -a, which touches nothing', async () => {
    const active = `${PROC_SWAPS_HEADER}/dev/sdb1                               partition\t1048572\t\t0\t\t-2\n`;
    const fake = new SwapOnConnection(conn, active);
    expect((await fake.exec('cat /proc/swaps')).stdout).toBe(active);
    expect((await fake.exec('cat /etc/hostname')).stdout).toBe(`${host.name}\n`);
    expect((await fake.exec('swapoff -a && echo off')).stdout).toBe('off\n');
    expect(fake.swapoffs).toEqual(['swapoff -a && echo off']);
    expect((await fake.exec('cat /proc/swaps')).stdout).toBe(PROC_SWAPS_HEADER);
  });

  it('an active swap area: check predicts swapoff; the run turns it off; a second run is a no-op', async () => {
    await host.exec("printf 'proc /proc proc defaults 0 0\\n' > /etc/fstab");
    const fake = new SwapOnConnection(conn, `${PROC_SWAPS_HEADER}/dev/sdb1                               partition\t1048572\t\t0\t\t-2\n`);
    const predicted = await runModuleOn(fake, swap, {}, { check: true, diff: true });
    expect(predicted.changed).toBe(true);
    expect(predicted.plan.diff).toEqual([{ label: 'swap', before: { active: ['/dev/sdb1'] }, after: { active: [] } }]);
    expect(fake.swapOn).toBe(true);

    const real = await runModuleOn(fake, swap, {}, { diff: true });
    expect(real.changed).toBe(true);
    expect(real.plan.diff).toEqual(predicted.plan.diff);
    expect(fake.swapoffs).toHaveLength(1);
    expect((await runModuleOn(fake, swap, {})).changed).toBe(false);
    expect(fake.swapoffs).toHaveLength(1);
  });

  it('a mask that fails stops the run before fstab is written', async () => {
    await host.exec(`printf '%s' '${fstab}' > /etc/fstab; rm -f /etc/systemd/system/swapfile.swap /etc/systemd/system/dev-disk-by*.swap`);
    // a real unit file in /etc cannot be replaced by the mask link
    await host.exec("printf '[Swap]\\nWhat=/swapfile\\n' > /etc/systemd/system/swapfile.swap && systemctl daemon-reload");
    const err = await runModuleOn(conn, swap, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toMatch(/^masking dev-disk-by\\x2duuid-ab\\x2d12\.swap, swapfile\.swap failed: Failed to mask unit: File \/etc\/systemd\/system\/swapfile\.swap already exists/);
    expect(await host.readFile('/etc/fstab')).toBe(fstab);
  });
});
