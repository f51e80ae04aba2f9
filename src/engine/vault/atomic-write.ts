/**
 * Rewrites a file atomically: the data goes to a temp file in the same
 * directory, which is then renamed over the target. An existing file keeps its
 * mode; a new one gets 0600 (vault files are private), as ansible-vault does.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const NEW_FILE_MODE = 0o600;

export async function writeFileAtomic(file: string, data: Buffer | string): Promise<void> {
  const mode = await fs.stat(file).then(
    (s) => s.mode & 0o7777,
    () => NEW_FILE_MODE,
  );
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', NEW_FILE_MODE);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode);
    await handle.sync();
    await handle.close();
    await fs.rename(temp, file);
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw e;
  }
}
