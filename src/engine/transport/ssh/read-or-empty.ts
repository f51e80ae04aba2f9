/** A file on the control machine that may not exist (ssh_config, known_hosts): its text, or '' when it is missing. */
import { readFile } from 'node:fs/promises';

export async function readOrEmpty(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}
