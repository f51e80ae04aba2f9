import { createServer, type Server } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import waitFor from '../../src/modules/wait_for.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { parsePortPoll, portPollCommand, type PortProbeMethod } from '../../src/modules/support/cmd-wait-probe.js';
import { LocalConnection } from '../../src/engine/transport/local.js';
import { InvalidParams, runModule, tempDir } from '../helpers/module-harness.js';
import { runModuleOn } from '../helpers/engine-semantics.js';
import { DockerConnection } from '../../src/engine/transport/docker.js';
import { labAvailable, startHosts, type LabHost } from '../lab/index.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(): Promise<number> {
  const s = createServer((c) => c.end());
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const addr = s.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return addr.port;
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const port = await listen();
  await new Promise((r) => servers.pop()!.close(r));
  return port;
}

async function available(method: PortProbeMethod): Promise<boolean> {
  const conn = new LocalConnection('localhost');
  const bin = method === 'proc' ? 'awk' : method;
  return (await conn.exec(`command -v ${bin}`)).exitCode === 0;
}

describe('port poll command', () => {
  it.for(['proc', 'nc', 'python3'] as const)('%s tells an open port from a closed one', async (method, t) => {
    if (!(await available(method))) t.skip(`${method} is not installed on this machine`);
    const conn = new LocalConnection('localhost');
    const open = await listen();
    const closed = await freePort();
    const a = parsePortPoll((await conn.exec(portPollCommand('127.0.0.1', open, [method]))).stdout);
    const b = parsePortPoll((await conn.exec(portPollCommand('127.0.0.1', closed, [method]))).stdout);
    expect(a).toEqual({ state: 'open', method });
    expect(b).toEqual({ state: 'closed', method });
  });

  it('says none when no method is usable', async () => {
    const r = await new LocalConnection('localhost').exec(portPollCommand('127.0.0.1', 1, []));
    expect(parsePortPoll(r.stdout)).toEqual({ state: 'none' });
  });

  it('quotes the host', () => expect(portPollCommand("x'; rm -rf /", 22)).toContain(`'x'\\''; rm -rf /'`));
});

describe('wait_for module', () => {
  it('returns once a port listens, unchanged, in check mode too', async () => {
    const port = await listen();
    for (const check of [false, true]) {
      const r = await runModule(waitFor, { port, timeout: 5 }, { check });
      expect(r.changed).toBe(false);
      expect(r.result).toMatchObject({ port, state: 'started', elapsed: 0, probe: 'proc' });
    }
  });

  it('waits for a port that opens later', async () => {
    const port = await freePort();
    const s = createServer((c) => c.end());
    servers.push(s);
    setTimeout(() => s.listen(port, '127.0.0.1'), 700);
    const r = await runModule(waitFor, { port, timeout: 10, sleep: 0.2 });
    expect(r.changed).toBe(false);
  });

  it('state stopped succeeds on a closed port', async () => {
    const port = await freePort();
    expect((await runModule(waitFor, { port, state: 'stopped', timeout: 2 })).changed).toBe(false);
  });

  it.each([
    [{ state: 'started' }, 'Timeout when waiting for 127.0.0.1:PORT'],
    [{ state: 'started', msg: 'web is down' }, 'web is down'],
  ])('times out on a closed port %j', async (extra, message) => {
    const port = await freePort();
    const err = (await runModule(waitFor, { port, timeout: 1, sleep: 0.2, ...extra }).catch((e: unknown) => e)) as ModuleFailure;
    expect(err).toBeInstanceOf(ModuleFailure);
    expect(err.message).toBe(message.replace('PORT', String(port)));
  });

  it('times out waiting for an open port to stop', async () => {
    const port = await listen();
    await expect(runModule(waitFor, { port, state: 'stopped', timeout: 0.5, sleep: 0.1 })).rejects.toThrow(`Timeout when waiting for 127.0.0.1:${port} to stop.`);
  });

  it('waits for a file, its content, and its absence', async () => {
    const dir = await tempDir();
    const f = join(dir, 'ready');
    setTimeout(() => void writeFile(f, 'booting\nstatus: ready v2\n'), 300);
    expect((await runModule(waitFor, { path: f, timeout: 5, sleep: 0.1 })).result).toMatchObject({ path: f, state: 'started' });
    const m = await runModule(waitFor, { path: f, search_regex: '^status: (?P<word>\\w+) (v\\d)$', timeout: 5, sleep: 0.1 });
    expect(m.result).toMatchObject({ match_groups: ['ready', 'v2'], match_groupdict: { word: 'ready' } });
    await expect(runModule(waitFor, { path: f, state: 'absent', timeout: 0.3, sleep: 0.1 })).rejects.toThrow(`Timeout when waiting for ${f} to be absent.`);
    await expect(runModule(waitFor, { path: f, search_regex: 'never', timeout: 0.3, sleep: 0.1 })).rejects.toThrow(`Timeout when waiting for search string never in ${f}`);
    expect((await runModule(waitFor, { path: join(dir, 'missing'), state: 'absent', timeout: 1 })).changed).toBe(false);
  });

  it('honours delay', async () => {
    const t0 = Date.now();
    await runModule(waitFor, { path: '/', delay: 0.4, timeout: 2 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
  });

  it.each([[{ port: 0 }], [{ port: 80, path: '/x' }], [{ path: '/x', state: 'drained' }], [{ port: 'http' }], [{ timeout: -1 }]])('rejects %j', async (params) => {
    await expect(runModule(waitFor, params)).rejects.toBeInstanceOf(InvalidParams);
  });

  it('refuses search_regex without path', async () => {
    await expect(runModule(waitFor, { port: 80, search_regex: 'x' })).rejects.toThrow(/search_regex needs path/);
  });
});

const ready = await labAvailable(['systemd']);

describe.skipIf(!ready)('wait_for on a minimal Debian lab host (dash, no nc)', () => {
  let host: LabHost;
  let conn: DockerConnection;
  beforeAll(async () => {
    [host] = (await startHosts(1, { kind: 'systemd', namePrefix: 'wait' })) as [LabHost];
    conn = await DockerConnection.open(host.name, host.container);
  }, 120_000);
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
  });

  it('sees sshd listening through /proc/net/tcp for a local address', async () => {
    expect((await host.exec('command -v nc')).exitCode).not.toBe(0);
    const r = await runModuleOn(conn, waitFor, { port: 22, timeout: 10 });
    expect(r.result).toMatchObject({ port: 22, probe: 'proc' });
  });

  it('connects with python3 to a non-local address', async () => {
    const ip = (await host.exec("hostname -I | cut -d' ' -f1")).stdout.trim();
    const r = await runModuleOn(conn, waitFor, { host: ip, port: 22, timeout: 10 });
    expect(r.result).toMatchObject({ port: 22, probe: 'python3' });
    await expect(runModuleOn(conn, waitFor, { host: ip, port: 2, timeout: 1, sleep: 0.2 })).rejects.toThrow(`Timeout when waiting for ${ip}:2`);
  });
});
