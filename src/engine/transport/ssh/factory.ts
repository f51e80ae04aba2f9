/**
 * The connection factory for `tsplay_connection: ssh`. Create one per run
 * (`createSshConnectionFactory()`): it owns the known_hosts store that
 * serialises accept-new appends. The engine's ConnectionPool calls it once
 * per host, on the host's first task.
 */
import type { ConnectionFactory } from '../transport.js';
import { KnownHostsStore } from './known-hosts-store.js';
import { SshConnection } from './ssh-connection.js';
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
  return async (settings) => SshConnection.open(await resolveTarget(settings, env), { store, ...(opts.nagle ? { nagle: true } : {}) });
}
