/**
 * SSH connection variables, beyond the common ones of inventory/connection.ts.
 * Each is read from its names in order; the first that is set wins.
 */
import { boolValue, firstSet, numberValue, stringValue, type SetVar } from '../connection-vars-parse.js';

export const SSH_VARS = {
  passphrase: ['tsplay_private_key_passphrase', 'tsplay_ssh_private_key_passphrase'],
  maxSessions: ['tsplay_ssh_max_sessions'],
  jump: ['tsplay_ssh_jump'],
  knownHostsFile: ['tsplay_ssh_known_hosts_file'],
  acceptNewHostKeys: ['tsplay_ssh_accept_new_host_keys'],
  configFile: ['tsplay_ssh_config_file'],
  /** seconds, as Ansible's `timeout` */
  connectTimeout: ['tsplay_ssh_connect_timeout', 'ansible_ssh_timeout', 'ansible_timeout'],
  /** seconds; 0 turns keepalives off */
  keepaliveInterval: ['tsplay_ssh_keepalive_interval'],
} as const satisfies Record<string, readonly string[]>;

export type SshVarName = keyof typeof SSH_VARS;
type Vars = Readonly<Record<string, unknown>>;

function raw(vars: Vars, setting: SshVarName): SetVar | undefined {
  return firstSet(vars, SSH_VARS[setting]);
}

/** A plain or secret string (secrets revealed: the caller needs the clear text to connect). */
export function stringVar(host: string, vars: Vars, setting: SshVarName): string | undefined {
  const v = raw(vars, setting);
  return v ? stringValue(host, v) : undefined;
}

export function boolVar(host: string, vars: Vars, setting: SshVarName): boolean | undefined {
  const v = raw(vars, setting);
  return v ? boolValue(host, v) : undefined;
}

export function numberVar(host: string, vars: Vars, setting: SshVarName, opts: { min: number; integer?: boolean }): number | undefined {
  const v = raw(vars, setting);
  return v ? numberValue(host, v, opts) : undefined;
}

/** Any value that may be a Secret, as a clear string (password, key file path). */
export function revealString(host: string, name: string, v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : stringValue(host, { name, value: v });
}
