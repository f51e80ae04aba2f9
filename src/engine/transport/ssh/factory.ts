/**
 * The connection factory for `tsplay_connection: ssh`. Create one per run
 * (`createSshConnectionFactory()`): it owns the known_hosts store that
 * serialises accept-new appends. The engine's ConnectionPool calls it once
 * per host, on the host's first task. ssh2 (and the rest of the SSH
 * connection) is loaded then, so a run without SSH hosts never loads it.
 */
import type { ConnectionFactory } from '../transport.js';
import { KnownHostsStore } from './known-hosts-store.js';
import { defaultSshEnvironment, resolveTarget, type SshEnvironment } from './target.js';

export interface SshFactoryOptions {
  /** home directory, local user, environment (SSH_AUTH_SOCK) and system known_hosts; default: this process's */
  readonly environment?: Partial<SshEnvironment>;
  /** leave Nagle's algorithm on (only to measure what TCP_NODELAY is worth) */
  readonly nagle?: boolean;
}

export function createSshConnectionFactory(opts: SshFactoryOptions = {}): ConnectionFactory {
  const env: SshEnvironment = { ...defaultSshEnvironment(), ...opts.environment };
  const store = new KnownHostsStore();
  return async (settings) => {
    const target = await resolveTarget(settings, env);
    const { SshConnection } = await import('./ssh-connection.js');
    return SshConnection.open(target, { store, ...(opts.nagle ? { nagle: true } : {}) });
  };
}
