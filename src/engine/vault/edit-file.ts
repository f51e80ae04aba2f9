/**
 * `vault edit`: decrypts into a 0600 file inside a private (0700) temp
 * directory, lets the editor change it, and re-encrypts only if the content
 * changed. The plaintext copy is overwritten and removed in every case.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { VaultError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import type { VaultSecrets } from './vault-secrets.js';

/** Runs the editor on a file; resolves with its exit status. */
export type EditorRunner = (file: string) => Promise<number>;

export interface EditResult {
  readonly changed: boolean;
}

export async function editVaultFile(file: string, secrets: VaultSecrets, editor: EditorRunner, encryptLabel?: string): Promise<EditResult> {
  const { plaintext, label } = secrets.decrypt(await fs.readFile(file, 'utf8'), { file });
  const dir = await fs.mkdtemp(join(tmpdir(), 'tsplay-vault-'));
  const plainFile = join(dir, basename(file));
  try {
    await fs.writeFile(plainFile, plaintext, { mode: 0o600, flag: 'wx' });
    const status = await editor(plainFile);
    if (status !== 0) throw new VaultError(`the editor exited with status ${status}; ${file} was not changed`, { location: { file } });
    const edited = await fs.readFile(plainFile);
    if (edited.equals(plaintext)) return { changed: false };
    await writeFileAtomic(file, secrets.encrypt(edited, encryptLabel ?? label));
    return { changed: true };
  } finally {
    await shred(plainFile);
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function shred(file: string): Promise<void> {
  const size = await fs.stat(file).then(
    (s) => s.size,
    () => -1,
  );
  if (size > 0) await fs.writeFile(file, Buffer.alloc(size)).catch(() => undefined);
}
