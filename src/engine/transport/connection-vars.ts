/**
 * The connection variables every transport reads, by setting: each is read from
 * its `tsplay_*` name first, then the `ansible_*` name, then Ansible's legacy
 * `ansible_ssh_*` name (see inventory/connection.ts, which turns them into
 * ConnectionSettings). They live with the transports, which read them too, so
 * that transports need nothing from the inventory.
 */
import { TsplayError } from '../errors.js';

type Vars = Readonly<Record<string, unknown>>;

export const CONNECTION_VARS = {
  address: ['tsplay_host', 'ansible_host', 'ansible_ssh_host'],
  port: ['tsplay_port', 'ansible_port', 'ansible_ssh_port'],
  user: ['tsplay_user', 'ansible_user', 'ansible_ssh_user'],
  connection: ['tsplay_connection', 'ansible_connection'],
  password: ['tsplay_password', 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password'],
  privateKeyFile: ['tsplay_ssh_private_key_file', 'ansible_ssh_private_key_file', 'ansible_private_key_file'],
  become: ['tsplay_become', 'ansible_become'],
  becomeMethod: ['tsplay_become_method', 'ansible_become_method'],
  becomeUser: ['tsplay_become_user', 'ansible_become_user'],
  becomePassword: ['tsplay_become_password', 'tsplay_become_pass', 'ansible_become_password', 'ansible_become_pass'],
} as const satisfies Record<string, readonly string[]>;

export type ConnectionVarName = keyof typeof CONNECTION_VARS;

/** The first of the setting's names that is set (not undefined or null). */
export function connectionVar(vars: Vars, setting: ConnectionVarName): unknown {
  for (const name of CONNECTION_VARS[setting]) {
    const v = vars[name];
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

/** A connection variable with a value of the wrong kind (a port that is not a number). */
export class ConnectionVarError extends TsplayError {
  readonly code = 'E_CONNECTION_VAR';
  readonly host: string;
  constructor(host: string, message: string, opts: { hint?: string } = {}) {
    super(`host '${host}': ${message}`, opts);
    this.host = host;
  }
}
