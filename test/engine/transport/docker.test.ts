import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnreachableError } from '../../../src/engine/errors.js';
import { DockerConnection, dockerConnectionFactory } from '../../../src/engine/transport/docker.js';
import { putScript } from '../../../src/engine/transport/shell-files.js';
import { connectionContract } from './connection-contract.js';
import { labAvailable, startHosts, type LabHost } from '../../lab/index.js';

const ready = await labAvailable(['sshd']);

describe.skipIf(!ready)('DockerConnection', () => {
  let host: LabHost;
  let conn: DockerConnection;

  beforeAll(async () => {
    [host] = (await startHosts(1, { kind: 'sshd', namePrefix: 'dock' })) as [LabHost];
    conn = await DockerConnection.open(host.name, host.container);
    const r = await host.exec('useradd -m -s /bin/sh alice && useradd -m -s /bin/sh bob && echo "bob ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/bob');
    expect(r.exitCode, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
  });

  describe('exec', () => {
    connectionContract(() => conn);

    it('kills a command that runs past its timeout, inside the container too', async () => {
      const t0 = Date.now();
      const r = await conn.exec('sleep 30; echo never', { timeoutMs: 500 });
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(r.signal).toBe('SIGKILL');
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('timed out after 500 ms');
      const ps = await host.exec('ps -eo args | grep "sleep 3[0]" || true');
      expect(ps.stdout).toBe('');
    });

    it('ends the command inside the container when the run is interrupted (Ctrl-C)', async () => {
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 500).unref();
      const t0 = Date.now();
      const r = await conn.exec('sleep 32; echo never', { signal: abort.signal });
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(r.stdout).toBe('');
      const ps = await host.exec('ps -eo args | grep "sleep 3[2]" || true');
      expect(ps.stdout).toBe('');
      // once interrupted, nothing new starts
      const after = await conn.exec('echo started', { signal: abort.signal });
      expect(after.stdout).toBe('');
      expect(after.exitCode).not.toBe(0);
    });

    it('kills a timed-out command run through become', async () => {
      const r = await conn.exec('sleep 31; echo never', { timeoutMs: 500, become: { user: 'alice' } });
      expect(r.signal).toBe('SIGKILL');
      const ps = await host.exec('ps -eo args | grep "sleep 3[1]" || true');
      expect(ps.stdout).toBe('');
    });

    it('measures per-command overhead', async () => {
      const n = 20;
      await conn.exec('true');
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await conn.exec('true');
      const ms = (performance.now() - t0) / n;
      console.log(`docker exec: ${ms.toFixed(1)} ms per command (sequential, ${n} runs)`);
      const t1 = performance.now();
      await Promise.all(Array.from({ length: n }, () => conn.exec('true')));
      console.log(`docker exec: ${((performance.now() - t1) / n).toFixed(1)} ms per command (${n} in parallel)`);
      expect(ms).toBeLessThan(1_000);
    });
  });

  describe('put and get', () => {
    it('round-trips binary content', async () => {
      const content = randomBytes(1024 * 1024);
      await conn.put('/tmp/blob.bin', content);
      const back = await conn.get('/tmp/blob.bin');
      expect(back?.equals(content)).toBe(true);
      const sum = await host.exec('sha256sum /tmp/blob.bin');
      const { createHash } = await import('node:crypto');
      expect(sum.stdout.split(' ')[0]).toBe(createHash('sha256').update(content).digest('hex'));
    });

    it('round-trips empty files and returns null for missing ones', async () => {
      await conn.put('/tmp/empty', Buffer.alloc(0));
      expect((await conn.get('/tmp/empty'))?.length).toBe(0);
      expect(await conn.get('/tmp/does-not-exist')).toBeNull();
    });

    it('sets mode and owner, and keeps an existing file\'s mode', async () => {
      await conn.put('/tmp/moded', Buffer.from('a'), { mode: '0640', owner: 'alice', group: 'alice' });
      expect((await host.exec('stat -c "%a %U %G" /tmp/moded')).stdout.trim()).toBe('640 alice alice');
      await conn.put('/tmp/moded', Buffer.from('b'));
      expect((await host.exec('stat -c "%a %U %G" /tmp/moded; cat /tmp/moded')).stdout).toBe('640 alice alice\nb');
    });

    it('fails clearly when the directory does not exist', async () => {
      await expect(conn.put('/nonexistent/dir/f', Buffer.from('x'))).rejects.toThrow(/cannot write \/nonexistent\/dir\/f/);
    });

    it('leaves the old file whole when an upload is cut short', async () => {
      await conn.put('/tmp/atomic.txt', Buffer.from('OLD CONTENT\n'));
      // the client sends only part of what it announced, then its stdin ends
      const r = await conn.exec(putScript('/tmp/atomic.txt', 1000), { stdin: Buffer.alloc(10, 'x') });
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toContain('incomplete upload: 10 of 1000 bytes');
      expect(await host.readFile('/tmp/atomic.txt')).toBe('OLD CONTENT\n');
      expect((await host.exec('ls -a /tmp | grep tsplay || true')).stdout).toBe('');
    });

    it('leaves the old file whole when the docker client is killed mid-upload', async () => {
      await conn.put('/tmp/killed.txt', Buffer.from('OLD CONTENT\n'));
      const total = 4 * 1024 * 1024;
      const child = spawn('docker', ['exec', '-i', host.container, '/bin/sh', '-c', putScript('/tmp/killed.txt', total)], {
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      child.stdin.on('error', () => undefined);
      child.stdin.write(Buffer.alloc(total / 2, 'n'));
      // wait until the temporary file holds data, then kill the client by its pid
      const deadline = Date.now() + 10_000;
      for (;;) {
        const r = await host.exec('cat /tmp/.killed.txt.tsplay-*.tmp 2>/dev/null | wc -c');
        if (Number(r.stdout.trim()) > 0) break;
        if (Date.now() > deadline) throw new Error('upload never started');
        await new Promise((res) => setTimeout(res, 20));
      }
      const closed = new Promise((res) => child.on('close', res));
      child.kill('SIGKILL');
      await closed;
      await new Promise((res) => setTimeout(res, 300));
      expect(await host.readFile('/tmp/killed.txt')).toBe('OLD CONTENT\n');
      expect((await host.exec('ls -a /tmp | grep tsplay || true')).stdout).toBe('');
    });
  });

  describe('become', () => {
    it('runs commands as another user through sudo', async () => {
      const r = await conn.exec('id -un; echo $HOME', { become: { user: 'alice' } });
      expect(r.stdout).toBe('alice\n/home/alice\n');
    });

    it('is a no-op when the exec user already is the target', async () => {
      expect((await conn.exec('id -un', { become: {} })).stdout).toBe('root\n');
    });

    it('puts and gets files as that user', async () => {
      await conn.put('/home/alice/note', Buffer.from('mine'), { become: { user: 'alice' } });
      expect((await host.exec('stat -c %U /home/alice/note')).stdout.trim()).toBe('alice');
      await host.exec('chmod 0600 /home/alice/note');
      expect((await conn.get('/home/alice/note', { become: { user: 'alice' } }))?.toString()).toBe('mine');
    });

    it('connects as a non-root user and becomes root', async () => {
      const asBob = await DockerConnection.open('bob-host', host.container, { user: 'bob' });
      expect((await asBob.exec('id -un')).stdout).toBe('bob\n');
      expect((await asBob.exec('id -un', { become: {} })).stdout).toBe('root\n');
      const alice = new DockerConnection('alice-host', host.container, { user: 'alice' });
      const denied = await alice.exec('id -un', { become: {} });
      expect(denied.exitCode).not.toBe(0);
      expect(denied.stderr).toMatch(/password is required|not in the sudoers/);
    });
  });

  describe('unreachable containers', () => {
    it('names host and container when the container does not exist', async () => {
      const gone = new DockerConnection('web1', 'tsplay-no-such-container');
      const err = await gone.exec('true').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnreachableError);
      expect((err as UnreachableError).host).toBe('web1');
      expect((err as UnreachableError).message).toContain('tsplay-no-such-container');
      await expect(DockerConnection.open('web1', 'tsplay-no-such-container')).rejects.toBeInstanceOf(UnreachableError);
    });

    it('reports a stopped container as unreachable', async () => {
      const name = `tsplay-stopped-${randomBytes(3).toString('hex')}`;
      const image = (await new Promise<string>((res, rej) =>
        spawn('docker', ['inspect', '--format', '{{.Config.Image}}', host.container], { stdio: ['ignore', 'pipe', 'inherit'] })
          .on('error', rej)
          .stdout.on('data', (b: Buffer) => res(b.toString().trim())),
      ));
      await new Promise((res) => spawn('docker', ['create', '--name', name, image], { stdio: 'ignore' }).on('close', res));
      try {
        await expect(dockerConnectionFactory({ host: 'db1', connection: 'docker', address: name, vars: {} })).rejects.toThrow(
          /db1|not running/,
        );
        const err = await new DockerConnection('db1', name).exec('true').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(UnreachableError);
        expect((err as UnreachableError).message).toMatch(new RegExp(`${name}.*is not running`));
      } finally {
        await new Promise((res) => spawn('docker', ['rm', '-f', name], { stdio: 'ignore' }).on('close', res));
      }
    });

    it('reports a missing Docker engine as unreachable', async () => {
      const c = new DockerConnection('h', 'x', { cliEnv: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
      const err = await c.exec('true').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnreachableError);
      expect((err as UnreachableError).hint).toMatch(/Docker engine/);
    });
  });
});
