/**
 * testcontainers settings the lab needs, applied before the first container
 * starts. scripts/test.sh exports the same values; these defaults make
 * `npx vitest run test/lab` work on its own. Values already set win.
 *  - RYUK_DISABLED: the reaper image cannot be pulled (no registry); tests
 *    remove their own containers.
 *  - HOST_OVERRIDE: every connection to a container stays on loopback.
 */
export function applyLabEnv(env: NodeJS.ProcessEnv = process.env): void {
  env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
}
