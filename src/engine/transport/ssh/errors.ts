/** Why an SSH host could not be reached; every case is an UnreachableError naming the host. */
import { UnreachableError } from '../../errors.js';

export type SshFailure =
  | 'refused'
  | 'timeout'
  | 'dns'
  | 'network'
  | 'auth'
  | 'key-file'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'host-key-revoked'
  | 'jump'
  | 'lost';

export class SshUnreachableError extends UnreachableError {
  /** what failed, stable for callers and tests */
  readonly failure: SshFailure;
  constructor(host: string, failure: SshFailure, message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super(host, `${host}: ${message}`, opts);
    this.failure = failure;
  }
}

/** Where a connection goes, for messages: `user@address:port`. */
export interface SshEndpoint {
  readonly host: string;
  readonly address: string;
  readonly port: number;
  readonly user: string;
}

export function endpointText(e: SshEndpoint): string {
  return `${e.user}@${e.address}:${e.port}`;
}

/**
 * Maps an error from the socket or ssh2 during connect to an SshUnreachableError.
 * ssh2 marks its errors with `level` (client-socket, client-timeout,
 * client-authentication, protocol); node's socket errors carry `code`.
 */
export function connectError(e: SshEndpoint, err: unknown, triedAuth: readonly string[], via?: string): SshUnreachableError {
  if (err instanceof SshUnreachableError) return err;
  const x = err as { code?: unknown; level?: unknown; message?: unknown };
  const code = typeof x.code === 'string' ? x.code : '';
  const level = typeof x.level === 'string' ? x.level : '';
  const msg = typeof x.message === 'string' ? x.message : String(err);
  const where = `${endpointText(e)}${via ? ` (via ${via})` : ''}`;
  if (code === 'ECONNREFUSED') {
    return new SshUnreachableError(e.host, 'refused', `connection refused by ${where}`, {
      hint: 'is sshd running and listening on that port? check tsplay_host / tsplay_port (or HostName / Port in ~/.ssh/config)',
      cause: err,
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new SshUnreachableError(e.host, 'dns', `cannot resolve ${e.address}`, { hint: 'check tsplay_host or the HostName in ~/.ssh/config', cause: err });
  }
  if (code === 'ETIMEDOUT' || level === 'client-timeout' || /timed out/i.test(msg)) {
    return new SshUnreachableError(e.host, 'timeout', `timed out connecting to ${where}`, {
      hint: 'is the address right and the port open? raise tsplay_ssh_connect_timeout (seconds) for slow links',
      cause: err,
    });
  }
  if (level === 'client-authentication') {
    return new SshUnreachableError(e.host, 'auth', `authentication failed for ${where} (tried: ${triedAuth.join(', ') || 'nothing'})`, {
      hint: 'set tsplay_ssh_private_key_file, load the key into ssh-agent, or set tsplay_password; is the public key in ~/.ssh/authorized_keys of that user?',
      cause: err,
    });
  }
  if (code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EPIPE' || level === 'client-socket' || level === 'protocol') {
    return new SshUnreachableError(e.host, 'network', `connection to ${where} failed: ${msg}`, { hint: 'is an SSH server listening there?', cause: err });
  }
  return new SshUnreachableError(e.host, 'network', `cannot connect to ${where}: ${msg}`, { cause: err });
}
