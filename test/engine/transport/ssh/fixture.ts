/** Shared set-up for the SSH transport's lab tests: an isolated home, a key, a known_hosts file. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createSshConnectionFactory, SshConnection, SshUnreachableError, type SshFactoryOptions } from '../../../../src/engine/transport/ssh/index.js';
import type { Connection, ConnectionFactory, ConnectionSettings } from '../../../../src/engine/transport/transport.js';
import { createSshKey, type SshKeyPair, type SshLabHost } from '../../../lab/index.js';

export interface SshFixture {
  /** an empty home directory: no ~/.ssh/config, default keys or known_hosts of the machine are used */
  readonly home: string;
  readonly key: SshKeyPair;
  readonly knownHosts: string;
  factory(opts?: SshFactoryOptions): ConnectionFactory;
  settings(h: SshLabHost, vars?: Record<string, unknown>, user?: string): ConnectionSettings;
  /** writes known_hosts with the hosts' keys under their [127.0.0.1]:port names */
  trust(hosts: readonly SshLabHost[]): Promise<void>;
  cleanup(): Promise<void>;
}

export async function sshFixture(): Promise<SshFixture> {
  const home = await mkdtemp(join(tmpdir(), 'tsplay-ssh-home-'));
  const key = await createSshKey({ dir: home });
  const knownHosts = join(home, 'known_hosts');
  const factory = (opts: SshFactoryOptions = {}): ConnectionFactory =>
    createSshConnectionFactory({
      ...opts,
      environment: { home, localUser: 'root', env: {}, systemKnownHostsFile: join(home, 'no-system-known-hosts'), ...opts.environment },
    });
  return {
    home,
    key,
    knownHosts,
    factory,
    settings: (h, vars = {}, user = 'root') => ({
      host: h.name,
      connection: 'ssh',
      address: h.address ?? h.name,
      ...(h.port !== undefined ? { port: h.port } : {}),
      user,
      vars: { tsplay_ssh_private_key_file: key.privateKeyFile, tsplay_ssh_known_hosts_file: knownHosts, ...vars },
    }),
    trust: async (hosts) => {
      await writeFile(knownHosts, hosts.map((h) => `[127.0.0.1]:${h.port} ${h.hostKey}\n`).join(''));
    },
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}

/** Awaits a promise that must reject with an SshUnreachableError, and returns that error. */
export async function expectUnreachable(p: Promise<unknown>): Promise<SshUnreachableError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SshUnreachableError);
  return e as SshUnreachableError;
}

/** The SshConnection the ssh factory opened (it opens nothing else; checked, not cast). */
export function asSsh(c: Connection): SshConnection {
  if (!(c instanceof SshConnection)) throw new Error(`expected an SshConnection, got ${c.kind}`);
  return c;
}
