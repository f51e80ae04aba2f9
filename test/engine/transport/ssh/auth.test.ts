import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../../src/engine/secret.js';
import { createSshKey, labAvailable, startSshHosts, type SshKeyPair, type SshLabHost } from '../../../lab/index.js';
import { expectUnreachable as failure, sshFixture, type SshFixture } from './fixture.js';

const run = promisify(execFile);
const ready = await labAvailable(['sshd']);

describe.skipIf(!ready)('SSH authentication', () => {
  let fx: SshFixture;
  let host: SshLabHost;
  let locked: SshKeyPair;
  const passphrase = 'correct horse battery';

  beforeAll(async () => {
    fx = await sshFixture();
    locked = await createSshKey({ passphrase, dir: fx.home });
    [host] = (await startSshHosts(1, { authorizedKeys: [fx.key.publicKey, locked.publicKey], namePrefix: 'auth' })) as [SshLabHost];
    await fx.trust([host]);
    // alice logs in with a password (root may not: PermitRootLogin prohibit-password)
    const r = await host.exec(`useradd -m -s /bin/bash alice && echo 'alice:Pa55-word!' | chpasswd`);
    expect(r.exitCode, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await host?.stop();
    await fx?.cleanup();
  });

  it('logs in with a private key file', async () => {
    const c = await fx.factory()(fx.settings(host));
    expect((await c.exec('id -un')).stdout).toBe('root\n');
    await c.close();
  });

  it('logs in with a passphrase-protected key (the passphrase may be a vault Secret)', async () => {
    const vars = { tsplay_ssh_private_key_file: locked.privateKeyFile, tsplay_private_key_passphrase: new Secret(passphrase) };
    const c = await fx.factory()(fx.settings(host, vars));
    expect((await c.exec('echo ok')).stdout).toBe('ok\n');
    await c.close();
  });

  it('says so when an encrypted key has no or a wrong passphrase, without echoing it', async () => {
    const none = await failure(fx.factory()(fx.settings(host, { tsplay_ssh_private_key_file: locked.privateKeyFile })));
    expect(none.failure).toBe('key-file');
    expect(none.format()).toMatch(/encrypted, and no passphrase is set[\s\S]*tsplay_private_key_passphrase/);
    const wrong = await failure(
      fx.factory()(fx.settings(host, { tsplay_ssh_private_key_file: locked.privateKeyFile, tsplay_private_key_passphrase: 'not-the-one' })),
    );
    expect(wrong.message).toMatch(/wrong passphrase/);
    expect(wrong.format()).not.toContain('not-the-one');
  });

  it('logs in with ssh-agent (SSH_AUTH_SOCK)', async () => {
    const dir = join(fx.home, 'agent');
    await mkdir(dir);
    const sock = join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50; i++) {
        if ((await run('test', ['-S', sock]).then(() => true, () => false))) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await run('ssh-add', [fx.key.privateKeyFile], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
      const f = fx.factory({ environment: { env: { SSH_AUTH_SOCK: sock } } });
      const s = fx.settings(host);
      const c = await f({ ...s, vars: { tsplay_ssh_known_hosts_file: fx.knownHosts } });
      expect((await c.exec('echo agent')).stdout).toBe('agent\n');
      await c.close();
    } finally {
      agent.kill();
    }
  });

  it('logs in with a password', async () => {
    const s = fx.settings(host, {}, 'alice');
    const c = await fx.factory()({ ...s, vars: { tsplay_ssh_known_hosts_file: fx.knownHosts, ansible_password: new Secret('Pa55-word!') } });
    expect((await c.exec('id -un')).stdout).toBe('alice\n');
    await c.close();
  });

  it('uses the default keys in ~/.ssh when none is given, and ~/.ssh/config', async () => {
    await mkdir(join(fx.home, '.ssh'), { recursive: true });
    await copyFile(fx.key.privateKeyFile, join(fx.home, '.ssh', 'id_ed25519'));
    const s = fx.settings(host);
    const c = await fx.factory()({ ...s, vars: { tsplay_ssh_known_hosts_file: fx.knownHosts } });
    expect((await c.exec('echo default-key')).stdout).toBe('default-key\n');
    await c.close();

    // an alias resolved by ~/.ssh/config: HostName, Port, User, IdentityFile; the inventory gives only the name
    await writeFile(
      join(fx.home, '.ssh', 'config'),
      `Host labalias\n  HostName 127.0.0.1\n  Port ${host.port}\n  User alice\n  IdentityFile ${locked.privateKeyFile}\n\nHost *\n  User root\n  IdentityFile ${fx.key.privateKeyFile}\n`,
    );
    const viaConfig = await fx.factory()({
      host: 'aliased',
      connection: 'ssh',
      address: 'labalias',
      user: 'root', // inventory wins over the config's User
      vars: { tsplay_ssh_known_hosts_file: fx.knownHosts, tsplay_private_key_passphrase: passphrase },
    });
    expect((await viaConfig.exec('id -un')).stdout).toBe('root\n');
    await viaConfig.close();
  });

  it('fails with a clear UnreachableError for a key the host does not accept', async () => {
    const stranger = await createSshKey({ dir: fx.home });
    const e = await failure(fx.factory()(fx.settings(host, { tsplay_ssh_private_key_file: stranger.privateKeyFile })));
    expect(e.failure).toBe('auth');
    expect(e.host).toBe(host.name);
    expect(e.message).toContain(`authentication failed for root@127.0.0.1:${host.port}`);
    expect(e.message).toContain(`key ${stranger.privateKeyFile}`);
    expect(e.exitCode).toBe(3);
  });

  it('fails on a wrong password without showing it', async () => {
    const s = fx.settings(host, {}, 'alice');
    const e = await failure(fx.factory()({ ...s, vars: { tsplay_ssh_known_hosts_file: fx.knownHosts, tsplay_password: 'wrong-Pa55' } }));
    expect(e.failure).toBe('auth');
    expect(e.message).toContain('password');
    expect(JSON.stringify({ m: e.format(), s: e.stack })).not.toContain('wrong-Pa55');
  });
});
