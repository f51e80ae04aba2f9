import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshUnreachableError } from '../../../../src/engine/transport/ssh/index.js';
import { createLabNetwork, labAvailable, startSshHosts, type SshLabHost } from '../../../lab/index.js';
import { sshFixture, type SshFixture } from './fixture.js';

const ready = await labAvailable(['sshd']);

describe.skipIf(!ready)('SSH through a jump host', () => {
  let fx: SshFixture;
  let net: { name: string; remove: () => Promise<void> };
  let bastion: SshLabHost;
  let target: SshLabHost;

  beforeAll(async () => {
    fx = await sshFixture();
    net = await createLabNetwork();
    [bastion] = (await startSshHosts(1, { network: net.name, namePrefix: 'bastion', authorizedKeys: [fx.key.publicKey] })) as [SshLabHost];
    // the target has no published port: only hosts on the network reach it
    [target] = (await startSshHosts(1, { network: net.name, namePrefix: 'inner', publish: false, authorizedKeys: [fx.key.publicKey] })) as [SshLabHost];
    await writeFile(fx.knownHosts, `[127.0.0.1]:${bastion.port} ${bastion.hostKey}\ninner1 ${target.hostKey}\n`);
  });
  afterAll(async () => {
    await target?.stop();
    await bastion?.stop();
    await net?.remove();
    await fx?.cleanup();
  });

  const targetSettings = (vars: Record<string, unknown>) => ({
    host: 'inner',
    connection: 'ssh',
    address: 'inner1',
    user: 'root',
    vars: { tsplay_ssh_private_key_file: fx.key.privateKeyFile, tsplay_ssh_known_hosts_file: fx.knownHosts, ...vars },
  });

  it('the target cannot be reached directly', async () => {
    const e = await fx.factory()({ ...targetSettings({ tsplay_ssh_connect_timeout: 3 }) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SshUnreachableError);
  });

  it('reaches the target with tsplay_ssh_jump: user@bastion:port', async () => {
    const c = await fx.factory()(targetSettings({ tsplay_ssh_jump: `root@127.0.0.1:${bastion.port}` }));
    expect((await c.exec('hostname')).stdout).toBe('inner1\n');
    const n = 20;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await c.exec('true');
    console.log(`ssh via jump host: ${((performance.now() - t0) / n).toFixed(2)} ms per exec`);
    await c.close();
  });

  it('reaches the target with ProxyJump from ~/.ssh/config', async () => {
    const config = join(fx.home, 'ssh_config');
    await writeFile(config, `Host inner1\n  ProxyJump jumpbox\n\nHost jumpbox\n  HostName 127.0.0.1\n  Port ${bastion.port}\n  User root\n`);
    const c = await fx.factory()(targetSettings({ tsplay_ssh_config_file: config }));
    expect((await c.exec('hostname')).stdout).toBe('inner1\n');
    await c.close();
  });

  it('checks the target host key too', async () => {
    const kh = join(fx.home, 'kh-bastion-only');
    await writeFile(kh, `[127.0.0.1]:${bastion.port} ${bastion.hostKey}\n`);
    const e = (await fx.factory()(targetSettings({ tsplay_ssh_jump: `127.0.0.1:${bastion.port}`, tsplay_ssh_known_hosts_file: kh })).catch(
      (x: unknown) => x,
    )) as SshUnreachableError;
    expect(e.failure).toBe('host-key-unknown');
    expect(e.message).toContain('inner1:22');
  });

  it('reports a target the bastion cannot reach', async () => {
    const e = (await fx.factory()({ ...targetSettings({ tsplay_ssh_jump: `127.0.0.1:${bastion.port}` }), address: 'nosuchhost' }).catch(
      (x: unknown) => x,
    )) as SshUnreachableError;
    expect(e).toBeInstanceOf(SshUnreachableError);
    expect(e.failure).toBe('jump');
    expect(e.message).toMatch(/jump host root@127\.0\.0\.1:\d+ cannot reach nosuchhost:22/);
  });
});
