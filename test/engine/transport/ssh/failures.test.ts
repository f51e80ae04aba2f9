import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAvailable, startSshHosts, type SshLabHost } from '../../../lab/index.js';
import { asSsh, expectUnreachable as failure, sshFixture, type SshFixture } from './fixture.js';

const ready = await labAvailable(['sshd']);

describe.skipIf(!ready)('SSH failures, become, reconnects', () => {
  let fx: SshFixture;
  let host: SshLabHost;

  beforeAll(async () => {
    fx = await sshFixture();
    [host] = (await startSshHosts(1, { authorizedKeys: [fx.key.publicKey], namePrefix: 'fail' })) as [SshLabHost];
    await fx.trust([host]);
    const r = await host.exec(
      [
        `useradd -m -s /bin/bash alice && echo 'alice:alice-pw' | chpasswd && echo 'alice ALL=(ALL) ALL' > /etc/sudoers.d/alice`,
        `useradd -m -s /bin/bash bob && echo 'bob ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/bob`,
        `for u in alice bob; do mkdir -p /home/$u/.ssh && cp /root/.ssh/authorized_keys /home/$u/.ssh/ && chown -R $u /home/$u/.ssh; done`,
      ].join(' && '),
    );
    expect(r.exitCode, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await host?.stop();
    await fx?.cleanup();
  });

  it('a closed port is refused, naming host and address', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const e = await failure(fx.factory()({ ...fx.settings(host), port }));
    expect(e.failure).toBe('refused');
    expect(e.message).toBe(`${host.name}: connection refused by root@127.0.0.1:${port}`);
    expect(e.hint).toMatch(/sshd running/);
  });

  it('a server that never answers times out after tsplay_ssh_connect_timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const t0 = Date.now();
      const e = await failure(fx.factory()({ ...fx.settings(host, { tsplay_ssh_connect_timeout: 0.5 }), port }));
      expect(Date.now() - t0).toBeLessThan(3_000);
      expect(e.failure).toBe('timeout');
      expect(e.message).toContain(`timed out connecting to root@127.0.0.1:${port}`);
    } finally {
      silent.close();
    }
  });

  it('become without a password (NOPASSWD) and with one (on stdin)', async () => {
    const asBob = await fx.factory()(fx.settings(host, {}, 'bob'));
    expect((await asBob.exec('id -un', { become: {} })).stdout).toBe('root\n');
    expect((await asBob.exec('id -un; cat', { become: { user: 'alice' }, stdin: 'in' })).stdout).toBe('alice\nin');
    await asBob.put('/root/by-bob', Buffer.from('x'), { become: {} });
    expect((await host.exec('stat -c %U /root/by-bob')).stdout).toBe('root\n');
    expect((await asBob.get('/root/by-bob', { become: {} }))?.toString()).toBe('x');
    await asBob.close();

    const asAlice = await fx.factory()(fx.settings(host, {}, 'alice'));
    const r = await asAlice.exec('id -un; cat; ps -eo args', { become: { password: 'alice-pw' }, stdin: 'payload' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.startsWith('root\npayload')).toBe(true);
    expect(r.stdout).not.toContain('alice-pw');
    const wrong = await asAlice.exec('id -un', { become: { password: 'nope' } });
    expect(wrong.exitCode).not.toBe(0);
    // no password where one is needed: sudo -n fails at once instead of waiting for a prompt
    const none = await asAlice.exec('id -un', { become: {}, timeoutMs: 10_000 });
    expect(none.exitCode).not.toBe(0);
    expect(none.stderr).toMatch(/password/);
    await asAlice.close();
  });

  it('reopens a connection the server dropped, once, on the next exec', async () => {
    const c = asSsh(await fx.factory()(fx.settings(host)));
    expect((await c.exec('echo 1')).stdout).toBe('1\n');
    // kill the per-connection sshd processes (not the listener, PID 1)
    await host.exec(`for p in $(pgrep sshd); do [ "$p" != 1 ] && kill -9 "$p"; done; true`);
    await new Promise((r) => setTimeout(r, 200));
    expect((await c.exec('echo 2')).stdout).toBe('2\n');
    // and a socket destroyed on our side
    c.destroySocketForTest();
    expect((await c.exec('echo 3')).stdout).toBe('3\n');
    await c.close();
    const closed = await failure(c.exec('echo 4'));
    expect(closed.message).toMatch(/was closed/);
  });

  it('gives up with an UnreachableError when the host is gone for good', async () => {
    const other = (await startSshHosts(1, { authorizedKeys: [fx.key.publicKey], namePrefix: 'gone' }))[0]!;
    await fx.trust([host, other]);
    const c = await fx.factory()(fx.settings(other));
    await other.stop();
    const e = await failure(c.exec('true'));
    expect(['refused', 'network', 'lost']).toContain(e.failure);
    expect(e.host).toBe(other.name);
    await c.close();
  });

  it('leaves no sockets or timers behind after close', async () => {
    const count = (): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const r of process.getActiveResourcesInfo()) if (r === 'TCPSocketWrap' || r === 'Timeout') out[r] = (out[r] ?? 0) + 1;
      return out;
    };
    const before = count();
    const c = await fx.factory()(fx.settings(host, { tsplay_ssh_keepalive_interval: 1 }));
    await Promise.all(Array.from({ length: 5 }, () => c.exec('true', { timeoutMs: 5_000 })));
    expect(count().TCPSocketWrap ?? 0).toBeGreaterThanOrEqual(1);
    await c.close();
    await new Promise((r) => setImmediate(r));
    const after = count();
    expect(after.TCPSocketWrap ?? 0).toBeLessThanOrEqual(before.TCPSocketWrap ?? 0);
    expect(after.Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0);
  });

  it('measures TCP_NODELAY: ms per exec with and without', async () => {
    const measure = async (nagle: boolean): Promise<number> => {
      const c = await fx.factory({ nagle })(fx.settings(host));
      await c.exec('true');
      const n = 20;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await c.exec('true');
      const per = (performance.now() - t0) / n;
      await c.close();
      return per;
    };
    const off = await measure(false);
    const on = await measure(true);
    console.log(`ssh: ${off.toFixed(2)} ms per exec with TCP_NODELAY, ${on.toFixed(2)} ms with Nagle on`);
    expect(off).toBeLessThan(on);
  });
});
