/**
 * Reading and extending known_hosts files for the host-key policy. One store
 * belongs to one connection factory (one run): it serialises its own appends,
 * so parallel connects to new hosts do not overwrite each other's lines.
 * Appends are atomic: the file is re-read, extended in a temporary file in the
 * same directory, and renamed over the original.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { checkHostKey, knownHostName, knownKeyTypes, parseKnownHosts, type HostKeyStatus, type KnownHostEntry } from './known-hosts.js';
import type { HostKeyInfo } from './host-key.js';
import { readOrEmpty } from './read-or-empty.js';

export interface HostKeyPolicy {
  /** files read, in order (the user's file, then the system-wide one) */
  readonly files: readonly string[];
  /** where accept-new records a first-seen key */
  readonly writeFile: string;
  readonly acceptNew: boolean;
}

export class KnownHostsStore {
  #appending: Promise<void> = Promise.resolve();

  async load(files: readonly string[]): Promise<KnownHostEntry[]> {
    const all = await Promise.all(files.map(async (f) => parseKnownHosts(await readOrEmpty(f), f)));
    return all.flat();
  }

  knownTypes(entries: readonly KnownHostEntry[], address: string, port: number): string[] {
    return knownKeyTypes(entries, knownHostName(address, port));
  }

  check(entries: readonly KnownHostEntry[], address: string, port: number, key: HostKeyInfo): HostKeyStatus {
    return checkHostKey(entries, knownHostName(address, port), key.type, key.base64);
  }

  /** Appends `name type key` unless the file (as it is now) already holds it. */
  append(file: string, address: string, port: number, key: HostKeyInfo): Promise<void> {
    const next = this.#appending.then(() => appendAtomically(file, knownHostName(address, port), key));
    this.#appending = next.catch(() => undefined);
    return next;
  }
}

async function appendAtomically(file: string, name: string, key: HostKeyInfo): Promise<void> {
  const before = await readOrEmpty(file);
  if (checkHostKey(parseKnownHosts(before, file), name, key.type, key.base64).status === 'known') return;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const mode = (await stat(file).catch(() => null))?.mode ?? 0o644;
  const tmp = join(dirname(file), `.${basename(file)}.tsplay-${randomBytes(4).toString('hex')}.tmp`);
  const sep = before === '' || before.endsWith('\n') ? '' : '\n';
  try {
    await writeFile(tmp, `${before}${sep}${name} ${key.type} ${key.base64}\n`, { mode: mode & 0o777 });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
