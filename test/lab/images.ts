/** Names of the lab images built by scripts/lab/setup.sh. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export type LabKind = 'systemd' | 'sshd';

const SETUP = fileURLToPath(new URL('../../scripts/lab/setup.sh', import.meta.url));
const run = promisify(execFile);

/**
 * The lab image tag: TSPLAY_LAB_TAG when scripts/test.sh set it, otherwise
 * asked from setup.sh itself (`--tag` has no side effects), so the hash of the
 * build inputs is computed in one place only.
 */
export async function labTag(): Promise<string> {
  const fromEnv = process.env.TSPLAY_LAB_TAG;
  if (fromEnv) return fromEnv;
  const { stdout } = await run('bash', [SETUP, '--tag']);
  return stdout.trim();
}

export async function labImage(kind: LabKind): Promise<string> {
  return `tsplay-lab/${kind}:${await labTag()}`;
}

export const SETUP_SCRIPT = SETUP;
