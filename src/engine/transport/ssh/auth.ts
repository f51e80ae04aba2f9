/**
 * The authentication attempts for one connection, in tsplay's order of
 * preference: private key files (the one set in the inventory, then those
 * from ~/.ssh/config, or the default ~/.ssh/id_ed25519, id_ecdsa, id_rsa when
 * neither names one), then ssh-agent (SSH_AUTH_SOCK), then a password.
 * Key files are read and decrypted here, before connecting, so a missing
 * file or a wrong passphrase is reported as such and not as a refused login.
 */
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, ParsedKey } from 'ssh2';
import { SshUnreachableError } from './errors.js';

export interface KeyFileSource {
  readonly path: string;
  /** named by the inventory or ssh config (errors are reported) rather than a default (skipped quietly) */
  readonly explicit: boolean;
}

export interface AuthSources {
  readonly host: string;
  readonly user: string;
  readonly keyFiles: readonly KeyFileSource[];
  readonly passphrase?: string;
  readonly agentSocket?: string;
  readonly password?: string;
}

export interface AuthPlan {
  readonly methods: readonly AnyAuthMethod[];
  /** what each attempt is, for messages: `key ~/.ssh/id_ed25519`, `ssh-agent`, `password` */
  readonly labels: readonly string[];
  /** default keys that could not be used and why (no secrets) */
  readonly skipped: readonly string[];
}

export async function planAuth(s: AuthSources): Promise<AuthPlan> {
  const methods: AnyAuthMethod[] = [];
  const labels: string[] = [];
  const skipped: string[] = [];
  for (const k of s.keyFiles) {
    const key = await loadKey(s, k, skipped);
    if (!key) continue;
    methods.push({ type: 'publickey', username: s.user, key });
    labels.push(`key ${k.path}`);
  }
  if (s.agentSocket) {
    methods.push({ type: 'agent', username: s.user, agent: s.agentSocket });
    labels.push('ssh-agent');
  }
  if (s.password !== undefined) {
    methods.push({ type: 'password', username: s.user, password: s.password });
    labels.push('password');
  }
  return { methods, labels, skipped };
}

async function loadKey(s: AuthSources, k: KeyFileSource, skipped: string[]): Promise<ParsedKey | undefined> {
  let data: Buffer;
  try {
    data = await readFile(k.path);
  } catch (e) {
    if (!k.explicit) return undefined;
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new SshUnreachableError(s.host, 'key-file', `cannot read private key file ${k.path} (${code})`, {
      hint: 'check tsplay_ssh_private_key_file (or IdentityFile in ~/.ssh/config)',
    });
  }
  const parsed = ssh2.utils.parseKey(data, s.passphrase);
  const problem = parsed instanceof Error ? keyProblem(parsed.message) : Array.isArray(parsed) ? undefined : parsed.isPrivateKey() ? undefined : 'not a private key';
  if (problem === undefined) return Array.isArray(parsed) ? (parsed[0] as ParsedKey) : (parsed as ParsedKey);
  if (!k.explicit) {
    skipped.push(`${k.path} (${problem})`);
    return undefined;
  }
  throw new SshUnreachableError(s.host, 'key-file', `cannot use private key file ${k.path}: ${problem}`, {
    hint:
      problem === 'encrypted, and no passphrase is set'
        ? 'set tsplay_private_key_passphrase (from a vault) or add the key to ssh-agent'
        : 'check the file and tsplay_private_key_passphrase',
  });
}

function keyProblem(message: string): string {
  if (/no passphrase given/i.test(message)) return 'encrypted, and no passphrase is set';
  if (/integrity check failed|bad decrypt/i.test(message)) return 'wrong passphrase';
  return message;
}
