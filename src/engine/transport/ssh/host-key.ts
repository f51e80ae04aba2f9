/** What a host key blob is: its type and the fingerprint OpenSSH shows (`SHA256:...`). */
import { createHash } from 'node:crypto';

export interface HostKeyInfo {
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, ... (first field of the blob) */
  readonly type: string;
  readonly base64: string;
  /** `SHA256:` and unpadded base64, as `ssh-keygen -lf` prints it */
  readonly fingerprint: string;
}

export function describeHostKey(blob: Buffer): HostKeyInfo {
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const type = len > 0 && 4 + len <= blob.length ? blob.subarray(4, 4 + len).toString('latin1') : 'unknown';
  const digest = createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
  return { type, base64: blob.toString('base64'), fingerprint: `SHA256:${digest}` };
}

/** Host key algorithms ssh2 offers by default, in its order. */
const DEFAULT_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
] as const;
export type HostKeyAlgorithm = (typeof DEFAULT_ALGORITHMS)[number];

/**
 * The algorithms to offer, those matching key types already known for the
 * host first (as OpenSSH does), so a host with several keys presents the one
 * on record instead of one that would look unknown.
 */
export function hostKeyAlgorithms(knownTypes: readonly string[]): HostKeyAlgorithm[] {
  const preferred = DEFAULT_ALGORITHMS.filter((a) => knownTypes.includes(a === 'rsa-sha2-512' || a === 'rsa-sha2-256' ? 'ssh-rsa' : a));
  return [...preferred, ...DEFAULT_ALGORITHMS.filter((a) => !preferred.includes(a))];
}
