import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../../../src/engine/transport/ssh/index.js';
import { labAvailable, startSshHosts, type SshLabHost } from '../../../lab/index.js';
import { asSsh, sshFixture, type SshFixture } from './fixture.js';
import { connectionContract } from '../connection-contract.js';

const ready = await labAvailable(['sshd']);

describe.skipIf(!ready)('SshConnection exec', () => {
  let fx: SshFixture;
  let host: SshLabHost;
  let conn: SshConnection;

  beforeAll(async () => {
    fx = await sshFixture();
    [host] = (await startSshHosts(1, { authorizedKeys: [fx.key.publicKey], namePrefix: 'exec' })) as [SshLabHost];
    await fx.trust([host]);
    const t0 = performance.now();
    conn = asSsh(await fx.factory()(fx.settings(host)));
    console.log(`ssh: connect (TCP + handshake + key auth) ${(performance.now() - t0).toFixed(1)} ms`);
  });
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
    await fx?.cleanup();
  });

  it('is an ssh connection', () => {
    expect(conn.kind).toBe('ssh');
  });

  connectionContract(() => conn);

  it('runs the command with /bin/sh whatever the login shell', async () => {
    expect((await conn.exec('readlink /proc/$$/exe')).stdout.trim()).toBe('/usr/bin/dash');
  });

  it('exports env values (quoted) and changes to cwd', async () => {
    const value = `it's "quoted" $HOME; and spaced`;
    const r = await conn.exec('printf %s "$X_VALUE"; echo; pwd', { env: { X_VALUE: value }, cwd: '/etc' });
    expect(r.stdout).toBe(`${value}\n/etc\n`);
    const bad = await conn.exec('echo never', { cwd: '/nonexistent' });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stdout).toBe('');
    await expect(conn.exec('true', { env: { 'A B': 'x' } })).rejects.toThrow(/not a valid shell name/);
  });

  it('reports the signal that ended a command', async () => {
    const r = await conn.exec('kill -TERM $$');
    expect(r.signal).toBe('SIGTERM');
  });

  it('ends a command at its timeout, with its children', async () => {
    const t0 = Date.now();
    const r = await conn.exec('sleep 30 & sleep 31; echo never', { timeoutMs: 500 });
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(r.exitCode).toBe(124);
    expect(r.signal).toBe('SIGTERM');
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/timed out after 500 ms/);
    const left = await host.exec('pgrep -x sleep || true');
    expect(left.stdout.trim()).toBe('');
    // a command that ends in time is not affected
    expect((await conn.exec('echo ok', { timeoutMs: 5_000 })).stdout).toBe('ok\n');
  });

  it('measures ms per exec on the persistent connection', async () => {
    const n = 50;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await conn.exec('true');
    const per = (performance.now() - t0) / n;
    console.log(`ssh: ${per.toFixed(2)} ms per sequential exec (TCP_NODELAY)`);
    expect(per).toBeLessThan(30);
  });
});
