/**
 * vitest globalSetup: the CLI tests run `bin/tsplay.js`, which runs dist/. So
 * before any test, dist/ is rebuilt unless it was built from exactly the
 * sources here: the stamp dist/.source-hash holds the sha256 of every input
 * of `npm run build` (src/, the build scripts, the tsconfigs, package-lock).
 * A stale dist/ can then neither make a test pass nor fail.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const STAMP = join(ROOT, 'dist/.source-hash');
const INPUTS = ['src', 'scripts/build', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** The files under an input (itself when it is a file). */
function files(path: string): string[] {
  const abs = join(ROOT, path);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [path];
  return readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** The hash of every build input: paths and contents, in byte order of the path. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const f of INPUTS.flatMap(files).sort()) {
    hash.update(`${f}\0`);
    hash.update(readFileSync(join(ROOT, f)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export default function setup(): void {
  const want = sourceHash();
  const have = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
  if (have === want && existsSync(join(ROOT, 'dist/bundle/main.js'))) return;
  process.stderr.write('[test setup] dist/ is not built from these sources: npm run build\n');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  writeFileSync(STAMP, `${want}\n`);
}
