/**
 * SSH connection variables, beyond the common ones of inventory/connection.ts.
 * Each is read from its names in order; the first that is set wins.
 */
import { Secret } from '../../secret.js';
import { ConnectionVarError } from '../connection-vars.js';

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

function raw(vars: Vars, setting: SshVarName): { name: string; value: unknown } | undefined {
  for (const name of SSH_VARS[setting]) {
    const value = vars[name];
    if (value !== undefined && value !== null) return { name, value };
  }
  return undefined;
}

/** A plain or secret string (secrets revealed: the caller needs the clear text to connect). */
export function stringVar(host: string, vars: Vars, setting: SshVarName): string | undefined {
  const v = raw(vars, setting);
  if (!v) return undefined;
  if (v.value instanceof Secret) return v.value.reveal();
  if (typeof v.value === 'string' || typeof v.value === 'number') return String(v.value);
  throw new ConnectionVarError(host, `${v.name} must be a string`);
}

export function boolVar(host: string, vars: Vars, setting: SshVarName): boolean | undefined {
  const v = raw(vars, setting);
  if (!v) return undefined;
  if (typeof v.value === 'boolean') return v.value;
  if (typeof v.value === 'string' && /^(true|yes|on|1)$/i.test(v.value)) return true;
  if (typeof v.value === 'string' && /^(false|no|off|0)$/i.test(v.value)) return false;
  throw new ConnectionVarError(host, `${v.name} must be true or false, found ${JSON.stringify(v.value)}`);
}

export function numberVar(host: string, vars: Vars, setting: SshVarName, opts: { min: number; integer?: boolean }): number | undefined {
  const v = raw(vars, setting);
  if (!v) return undefined;
  const n = typeof v.value === 'number' ? v.value : typeof v.value === 'string' && v.value.trim() !== '' ? Number(v.value) : NaN;
  if (!Number.isFinite(n) || n < opts.min || (opts.integer && !Number.isInteger(n))) {
    throw new ConnectionVarError(host, `${v.name} must be ${opts.integer ? 'an integer' : 'a number'} >= ${opts.min}, found ${JSON.stringify(v.value)}`);
  }
  return n;
}

/** Any value that may be a Secret, as a clear string (password, key file path). */
export function revealString(host: string, name: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Secret) return v.reveal();
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  throw new ConnectionVarError(host, `${name} must be a string`);
}
