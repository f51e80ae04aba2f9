/**
 * known_hosts files as OpenSSH writes them: `[@marker] hosts keytype base64 [comment]`,
 * where `hosts` is a comma-separated pattern list (`*`, `?`, `!`), a
 * `[host]:port` name for a port other than 22, or a hashed name
 * `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
 */
import { createHmac } from 'node:crypto';
import { hostMatchesPatterns } from './ssh-config.js';

export interface KnownHostEntry {
  readonly marker?: 'cert-authority' | 'revoked';
  readonly hosts: string;
  readonly keyType: string;
  /** the key blob, base64 as in the file */
  readonly key: string;
  readonly file: string;
  readonly line: number;
}

export type HostKeyStatus =
  | { readonly status: 'known'; readonly entry: KnownHostEntry }
  | { readonly status: 'unknown' }
  | { readonly status: 'changed'; readonly entry: KnownHostEntry }
  | { readonly status: 'revoked'; readonly entry: KnownHostEntry };

/** The name a host has in known_hosts: `host`, or `[host]:port` when the port is not 22. */
export function knownHostName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const words = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (words[0] === '@cert-authority' || words[0] === '@revoked') {
      marker = words[0] === '@revoked' ? 'revoked' : 'cert-authority';
      words.shift();
    } else if (words[0]?.startsWith('@')) return;
    const [hosts, keyType, key] = words;
    if (!hosts || !keyType || !key) return;
    out.push({ ...(marker ? { marker } : {}), hosts, keyType, key, file, line: i + 1 });
  });
  return out;
}

/** Does an entry's host field name `name` (already in `[host]:port` form when needed)? */
export function entryMatchesHost(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  return hostMatchesPatterns(name, hosts.split(','));
}

/**
 * What the files say about a host key: `known` when an entry for the name
 * holds this key, `revoked` when the key is marked @revoked anywhere,
 * `changed` when an entry for the name holds another key of the same type,
 * otherwise `unknown`. @cert-authority entries are ignored (no certificates).
 */
export function checkHostKey(entries: readonly KnownHostEntry[], name: string, keyType: string, keyBase64: string): HostKeyStatus {
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key === keyBase64);
  if (revoked) return { status: 'revoked', entry: revoked };
  const forHost = entries.filter((e) => e.marker === undefined && entryMatchesHost(e.hosts, name));
  const same = forHost.find((e) => e.key === keyBase64);
  if (same) return { status: 'known', entry: same };
  const other = forHost.find((e) => e.keyType === keyType);
  if (other) return { status: 'changed', entry: other };
  return { status: 'unknown' };
}

/** Key types the files already hold for a name (to prefer them when negotiating). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((e) => e.marker === undefined && entryMatchesHost(e.hosts, name)).map((e) => e.keyType))];
}
