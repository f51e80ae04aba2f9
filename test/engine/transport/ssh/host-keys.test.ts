import { createHmac, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshUnreachableError } from '../../../../src/engine/transport/ssh/index.js';
import { createSshKey, labAvailable, startSshHosts, type SshLabHost } from '../../../lab/index.js';
import { sshFixture, type SshFixture } from './fixture.js';

const ready = await labAvailable(['sshd']);

describe.skipIf(!ready)('SSH host-key policy', () => {
  let fx: SshFixture;
  let host: SshLabHost;
  let fingerprint: string;

  beforeAll(async () => {
    fx = await sshFixture();
    [host] = (await startSshHosts(1, { authorizedKeys: [fx.key.publicKey], namePrefix: 'hk' })) as [SshLabHost];
    fingerprint = (await host.exec('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | cut -d" " -f2')).stdout.trim();
  });
  afterAll(async () => {
    await host?.stop();
    await fx?.cleanup();
  });

  const file = (name: string): string => join(fx.home, name);

  it('refuses an unknown key, naming host, type and fingerprint, and how to accept it', async () => {
    const kh = file('kh-empty');
    const e = (await fx.factory()(fx.settings(host, { tsplay_ssh_known_hosts_file: kh })).catch((x: unknown) => x)) as SshUnreachableError;
    expect(e).toBeInstanceOf(SshUnreachableError);
    expect(e.failure).toBe('host-key-unknown');
    expect(e.message).toContain(host.name);
    expect(e.message).toContain(`127.0.0.1:${host.port}`);
    expect(e.message).toContain(`ssh-ed25519 ${fingerprint}`);
    expect(e.hint).toMatch(/--accept-new-host-keys/);
    expect(e.hint).toMatch(/tsplay_ssh_accept_new_host_keys: true/);
    expect(e.hint).toMatch(/ssh-keyscan -p \d+ 127\.0\.0\.1/);
    await expect(readFile(kh, 'utf8')).rejects.toThrow();
  });

  it('with accept-new, trusts a first-seen key and records it; later connects use the record', async () => {
    const kh = file('kh-accept');
    await writeFile(kh, '# mine\nother ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const c = await fx.factory()(fx.settings(host, { tsplay_ssh_known_hosts_file: kh, tsplay_ssh_accept_new_host_keys: true }));
    expect((await c.exec('echo in')).stdout).toBe('in\n');
    await c.close();
    const text = await readFile(kh, 'utf8');
    expect(text).toBe(`# mine\nother ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n[127.0.0.1]:${host.port} ${host.hostKey}\n`);
    // now known: no accept-new needed, nothing appended again
    const again = await fx.factory()(fx.settings(host, { tsplay_ssh_known_hosts_file: kh, tsplay_ssh_accept_new_host_keys: 'yes' }));
    await again.close();
    expect(await readFile(kh, 'utf8')).toBe(text);
  });

  it('records each of many hosts accepted in parallel (appends do not overwrite each other)', async () => {
    const kh = file('kh-parallel');
    const f = fx.factory();
    // the same host under 8 names (the known_hosts name is the address, so use localhost aliases)
    const names = ['127.0.0.1', 'localhost'];
    const conns = await Promise.all(
      names.map((address) => f({ ...fx.settings(host, { tsplay_ssh_known_hosts_file: kh, tsplay_ssh_accept_new_host_keys: true }), address })),
    );
    await Promise.all(conns.map((c) => c.close()));
    const lines = (await readFile(kh, 'utf8')).trim().split('\n').sort();
    expect(lines).toEqual([`[127.0.0.1]:${host.port} ${host.hostKey}`, `[localhost]:${host.port} ${host.hostKey}`]);
  });

  it('refuses a changed key, loudly, even with accept-new', async () => {
    const kh = file('kh-changed');
    const other = (await createSshKey({ dir: fx.home })).publicKey.split(' ').slice(0, 2).join(' ');
    await writeFile(kh, `[127.0.0.1]:${host.port} ${other}\n`);
    const e = (await fx.factory()(fx.settings(host, { tsplay_ssh_known_hosts_file: kh, tsplay_ssh_accept_new_host_keys: true })).catch(
      (x: unknown) => x,
    )) as SshUnreachableError;
    expect(e).toBeInstanceOf(SshUnreachableError);
    expect(e.failure).toBe('host-key-changed');
    expect(e.message).toMatch(/HOST KEY .* HAS CHANGED/);
    expect(e.message).toContain(`${kh}:1`);
    expect(e.message).toContain(fingerprint);
    expect(e.message).toMatch(/man-in-the-middle/);
    expect(e.hint).toContain(`ssh-keygen -R '[127.0.0.1]:${host.port}' -f ${kh}`);
    expect(await readFile(kh, 'utf8')).toBe(`[127.0.0.1]:${host.port} ${other}\n`);
  });

  it('matches hashed entries (HashKnownHosts)', async () => {
    const kh = file('kh-hashed');
    const salt = randomBytes(20);
    const name = `[127.0.0.1]:${host.port}`;
    await writeFile(kh, `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')} ${host.hostKey}\n`);
    const c = await fx.factory()(fx.settings(host, { tsplay_ssh_known_hosts_file: kh }));
    expect((await c.exec('echo hashed')).stdout).toBe('hashed\n');
    await c.close();
  });

  it('reads ssh-keyscan output as written', async () => {
    const kh = file('kh-scan');
    const { execFile } = await import('node:child_process');
    const scan = await new Promise<string>((res, rej) =>
      execFile('ssh-keyscan', ['-p', String(host.port), '-t', 'ed25519', '127.0.0.1'], (err: Error | null, out: string) => (err ? rej(err) : res(out))),
    );
    await writeFile(kh, scan);
    const c = await fx.factory()(fx.settings(host, { tsplay_ssh_known_hosts_file: kh }));
    await c.close();
  });
});
