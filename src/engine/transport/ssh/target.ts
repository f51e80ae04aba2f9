/**
 * Everything needed to open one SSH connection, resolved from the host's
 * settings (inventory variables) and ~/.ssh/config. Inventory variables win
 * over ssh config; ssh config wins over defaults. The ssh config is looked up
 * with the host's address (tsplay_host, or the inventory name), as `ssh
 * ADDRESS` would, and its HostName replaces that address.
 */
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { connectionVar } from '../../inventory/connection.js';
import { ConnectionVarError } from '../../inventory/errors.js';
import type { ConnectionSettings } from '../transport.js';
import type { AuthSources, KeyFileSource } from './auth.js';
import type { SshEndpoint } from './errors.js';
import { JumpSpecError, parseJumpSpec } from './jump-spec.js';
import type { HostKeyPolicy } from './known-hosts-store.js';
import { readOrEmpty } from './read-or-empty.js';
import { expandTokens, lookupSshConfig, parseSshConfig, type SshConfigBlock, type SshHostConfig } from './ssh-config.js';
import { boolVar, numberVar, revealString, stringVar } from './vars.js';

/** Machine-level inputs: where ~ is, the environment (SSH_AUTH_SOCK), the system known_hosts. */
export interface SshEnvironment {
  readonly home: string;
  readonly localUser: string;
  readonly env: NodeJS.ProcessEnv;
  readonly systemKnownHostsFile: string;
}

export function defaultSshEnvironment(): SshEnvironment {
  return { home: homedir(), localUser: userInfo().username, env: process.env, systemKnownHostsFile: '/etc/ssh/ssh_known_hosts' };
}

export interface SshHop extends SshEndpoint {
  readonly auth: AuthSources;
}

export interface SshTarget extends SshHop {
  /** bastions, in the order they are passed through */
  readonly jumps: readonly SshHop[];
  readonly maxSessions: number;
  readonly connectTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
  readonly hostKeys: HostKeyPolicy;
}

export const DEFAULT_MAX_SESSIONS = 10;
export const DEFAULT_CONNECT_TIMEOUT_S = 10;
export const DEFAULT_KEEPALIVE_S = 15;
const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export async function resolveTarget(s: ConnectionSettings, env: SshEnvironment): Promise<SshTarget> {
  const configFile = stringVar(s.host, s.vars, 'configFile') ?? join(env.home, '.ssh', 'config');
  const config = parseSshConfig(await readOrEmpty(configFile));
  const hostConf = lookupSshConfig(config, s.address);

  const keyFileVar = revealString(s.host, 'tsplay_ssh_private_key_file', connectionVar(s.vars, 'privateKeyFile'));
  const passphrase = stringVar(s.host, s.vars, 'passphrase');
  const password = revealString(s.host, 'tsplay_password', connectionVar(s.vars, 'password'));
  const agentSocket = env.env.SSH_AUTH_SOCK || undefined;

  const target = hop(s.host, s.address, s.port, s.user, hostConf, env, keyFileVar);
  const auth: AuthSources = {
    ...target.auth,
    ...(passphrase !== undefined ? { passphrase } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(agentSocket ? { agentSocket } : {}),
  };

  const jumpText = stringVar(s.host, s.vars, 'jump') ?? hostConf.proxyJump;
  let jumpHops;
  try {
    jumpHops = jumpText === undefined ? [] : parseJumpSpec(jumpText);
  } catch (e) {
    if (e instanceof JumpSpecError) throw new ConnectionVarError(s.host, e.message);
    throw e;
  }
  const jumps = jumpHops.map((j) => {
    const h = hop(s.host, j.host, j.port, j.user, lookupSshConfig(config, j.host), env, undefined, keyFileVar);
    return { ...h, auth: { ...h.auth, ...(passphrase !== undefined ? { passphrase } : {}), ...(agentSocket ? { agentSocket } : {}) } };
  });

  const userKnownHosts =
    stringVar(s.host, s.vars, 'knownHostsFile') ??
    (hostConf.userKnownHostsFile !== undefined ? expandTokens(hostConf.userKnownHostsFile.split(/\s+/)[0]!, tokens(target, env)) : undefined) ??
    join(env.home, '.ssh', 'known_hosts');
  const acceptNew = boolVar(s.host, s.vars, 'acceptNewHostKeys') ?? hostConf.strictHostKeyChecking === 'accept-new';

  return {
    ...target,
    auth,
    jumps,
    maxSessions: numberVar(s.host, s.vars, 'maxSessions', { min: 1, integer: true }) ?? DEFAULT_MAX_SESSIONS,
    connectTimeoutMs: (numberVar(s.host, s.vars, 'connectTimeout', { min: 0.001 }) ?? DEFAULT_CONNECT_TIMEOUT_S) * 1000,
    keepaliveIntervalMs: (numberVar(s.host, s.vars, 'keepaliveInterval', { min: 0 }) ?? DEFAULT_KEEPALIVE_S) * 1000,
    hostKeys: { files: [userKnownHosts, env.systemKnownHostsFile], writeFile: userKnownHosts, acceptNew },
  };
}

/**
 * One endpoint: address, port and user from the given values, else ssh
 * config, else defaults; key files: the inventory's, else ssh config's
 * IdentityFile, else the default keys (and `fallbackKey` for a bastion).
 */
function hop(
  host: string,
  name: string,
  port: number | undefined,
  user: string | undefined,
  conf: SshHostConfig,
  env: SshEnvironment,
  keyFile: string | undefined,
  fallbackKey?: string,
): SshHop {
  const p = port ?? conf.port ?? 22;
  const u = user ?? conf.user ?? env.localUser;
  const address = conf.hostName !== undefined ? expandTokens(conf.hostName, { host: name, port: p, remoteUser: u, localUser: env.localUser, home: env.home }) : name;
  const t = { host: address, port: p, remoteUser: u, localUser: env.localUser, home: env.home };
  const keyFiles: KeyFileSource[] =
    keyFile !== undefined
      ? [{ path: expandTokens(keyFile, t), explicit: true }]
      : conf.identityFiles.length > 0
        ? conf.identityFiles.map((f) => ({ path: expandTokens(f, t), explicit: true }))
        : [
            ...(fallbackKey !== undefined ? [{ path: expandTokens(fallbackKey, t), explicit: true }] : []),
            ...DEFAULT_KEYS.map((k) => ({ path: join(env.home, '.ssh', k), explicit: false })),
          ];
  return { host, address, port: p, user: u, auth: { host, user: u, keyFiles } };
}

function tokens(h: SshEndpoint, env: SshEnvironment): { host: string; port: number; remoteUser: string; localUser: string; home: string } {
  return { host: h.address, port: h.port, remoteUser: h.user, localUser: env.localUser, home: env.home };
}

export type { SshConfigBlock };
