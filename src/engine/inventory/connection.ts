/**
 * Connection variables. Each setting is read from its `tsplay_*` name first,
 * then the `ansible_*` name, then Ansible's legacy `ansible_ssh_*` name:
 *
 *   address     tsplay_host, ansible_host, ansible_ssh_host (default: the inventory name)
 *   port        tsplay_port, ansible_port, ansible_ssh_port
 *   user        tsplay_user, ansible_user, ansible_ssh_user
 *   connection  tsplay_connection, ansible_connection
 *               (default: `local` for localhost, 127.0.0.1 and ::1 when no address
 *               variable is set, `ssh` otherwise)
 *   password, privateKeyFile, become, becomeMethod, becomeUser, becomePassword: see CONNECTION_VARS
 *
 * Values are expected already templated; a Secret stays a Secret except where
 * a plain string is needed to connect (address, user).
 */
import { Secret } from '../secret.js';
import { CONNECTION_VARS, ConnectionVarError, connectionVar, type ConnectionVarName } from '../transport/connection-vars.js';
import type { ConnectionSettings } from '../transport/transport.js';
import { LOCALHOST_NAMES, type Vars } from './model.js';

export { CONNECTION_VARS, connectionVar, type ConnectionVarName };

/** How to reach `host`, from its (templated) variables. */
export function connectionSettings(host: string, vars: Vars): ConnectionSettings {
  const addressVar = connectionVar(vars, 'address');
  const address = addressVar === undefined ? host : plainString(host, 'address', addressVar);
  const port = portOf(host, connectionVar(vars, 'port'));
  const userVar = connectionVar(vars, 'user');
  const user = userVar === undefined ? undefined : plainString(host, 'user', userVar);
  const connectionVarValue = connectionVar(vars, 'connection');
  const connection =
    connectionVarValue === undefined
      ? addressVar === undefined && LOCALHOST_NAMES.includes(host)
        ? 'local'
        : 'ssh'
      : plainString(host, 'connection', connectionVarValue);
  return {
    host,
    connection,
    address,
    ...(port === undefined ? {} : { port }),
    ...(user === undefined ? {} : { user }),
    vars,
  };
}

function plainString(host: string, setting: ConnectionVarName, v: unknown): string {
  if (v instanceof Secret) return v.reveal();
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  throw new ConnectionVarError(host, `${CONNECTION_VARS[setting][0]} must be a string, found ${Array.isArray(v) ? 'a list' : typeof v}`);
}

function portOf(host: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new ConnectionVarError(host, `tsplay_port must be a port number (1-65535), found ${JSON.stringify(v)}`);
  }
  return n;
}
