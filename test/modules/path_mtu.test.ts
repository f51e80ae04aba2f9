import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pathMtu, { largestPassing } from '../../modules/path_mtu.js';
import { contractProblems } from '../../src/engine/registry.js';
import { DockerConnection } from '../../src/engine/transport/docker.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { labAvailable, startHosts, type LabHost } from '../lab/index.js';
import { runModuleOn } from '../helpers/engine-semantics.js';
import { InvalidParams, validateParams } from '../helpers/module-harness.js';

describe('largestPassing (binary search over sizes)', () => {
  it.each([
    [68, 1500, 1500],
    [68, 1500, 1400],
    [68, 1500, 68],
    [68, 9000, 1500],
    [68, 1500, 1499],
  ])('in [%d, %d] with a path MTU of %d', async (lo, hi, path) => {
    const tried: number[] = [];
    const r = await largestPassing(lo, hi, async (m) => {
      tried.push(m);
      return m <= path;
    });
    expect(r.mtu).toBe(Math.min(path, hi));
    expect(r.probes).toBe(tried.length);
    expect(r.probes).toBeLessThanOrEqual(Math.ceil(Math.log2(hi - lo + 1)) + 1);
  });

  it('null when even the smallest fails', async () => {
    expect(await largestPassing(68, 1500, async () => false)).toEqual({ mtu: null, probes: 1 });
  });
});

describe('path_mtu as a project module', () => {
  it('satisfies the module contract the registry checks', () => expect(contractProblems(pathMtu)).toEqual([]));
  it.each([[{}], [{ target: 'x', expected_mtu: 10 }], [{ target: 'x', bogus: 1 }]])('rejects %j', (params) => {
    expect(() => validateParams(pathMtu, params)).toThrow(InvalidParams);
  });
});

const ready = await labAvailable(['systemd']);

describe.skipIf(!ready)('path_mtu on a lab host (loopback MTU lowered in its own network namespace)', () => {
  let host: LabHost;
  let conn: DockerConnection;
  beforeAll(async () => {
    [host] = (await startHosts(1, { kind: 'systemd', namePrefix: 'mtu' })) as [LabHost];
    conn = await DockerConnection.open(host.name, host.container);
    const r = await host.exec('apt-get update -qq && apt-get install -y -qq --no-install-recommends iputils-ping >/dev/null && ip link set lo mtu 1400');
    if (r.exitCode !== 0) throw new Error(`lab setup failed: ${r.stderr}`);
  }, 300_000);
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
  });

  it('reports the largest size that passes, never changed, check or not', async () => {
    for (const check of [true, false]) {
      const r = await runModuleOn(conn, pathMtu, { target: '127.0.0.1', expected_mtu: 1400, max_mtu: 9000 }, { check });
      expect(r.changed).toBe(false);
      expect(r.result).toMatchObject({ target: '127.0.0.1', mtu: 1400, largest_payload: 1372 });
    }
  });

  it('fails with a clear message when below the expected MTU', async () => {
    const err = (await runModuleOn(conn, pathMtu, { target: '127.0.0.1', expected_mtu: 1500 }).catch((e: unknown) => e)) as ModuleFailure;
    expect(err).toBeInstanceOf(ModuleFailure);
    expect(err.message).toBe('path MTU to 127.0.0.1 is 1400, below the expected 1500 (largest unfragmented ping payload: 1372 bytes)');
    expect(err.result).toMatchObject({ mtu: 1400 });
  });

  it('fails clearly for a name that does not resolve', async () => {
    await expect(runModuleOn(conn, pathMtu, { target: 'no-such-host.invalid' })).rejects.toThrow(/cannot resolve no-such-host.invalid/);
  });
});
