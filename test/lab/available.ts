import { execFile } from 'node:child_process';
import { labImage, type LabKind } from './images.js';

/** Runs the docker CLI; resolves true when it exits 0 within the time limit. */
function dockerOk(args: string[], timeoutMs = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('docker', args, { timeout: timeoutMs }, (err) => resolve(err === null));
  });
}

/**
 * True when a Docker engine answers and the lab images for the current build
 * inputs exist (scripts/lab/setup.sh was run). Use it to skip lab tests:
 * `describe.skipIf(!(await labAvailable()))`.
 */
export async function labAvailable(kinds: readonly LabKind[] = ['systemd', 'sshd']): Promise<boolean> {
  if (!(await dockerOk(['version', '--format', '{{.Server.APIVersion}}']))) return false;
  const images = await Promise.all(kinds.map((k) => labImage(k)));
  return dockerOk(['image', 'inspect', ...images]);
}
