#!/usr/bin/env node
/**
 * Bundles the CLI and the package entry into dist/bundle/ with esbuild, after
 * `tsc` has type-checked and emitted dist/ (and the .d.ts files).
 *
 * Why: Node's ESM loader resolves, reads and links every file on its own.
 * Unbundled, a playbook run loads a few hundred small modules (the engine and
 * typebox, ajv, yaml, handlebars...) before it contacts the first host; one
 * bundle with shared chunks starts about 0.2 s sooner (docs/benchmarks.md).
 *
 * - Two entries share chunks: `main` (bin/tsplay.js) and `index` (what a
 *   project's modules get from `import ... from 'tsplay'`, through the package's
 *   exports). Both therefore see the same classes (ModuleFailure, ...).
 * - Lazy imports stay lazy: subcommands and the spinner are separate chunks.
 * - Left outside: ssh2 (optional native crypto loaded by relative path),
 *   @kubernetes/client-node (large, loaded only by runs with a Kubernetes host),
 *   esbuild (compiles a project's .ts modules, see compile-cache.ts), ora (only
 *   on a terminal).
 * - CommonJS dependencies call `require`; the banner gives ESM chunks one.
 * - Rebuilding while tsplay runs (tests, other shells) must not break those
 *   runs: chunk names carry a content hash, so new chunks are written beside
 *   the old ones, the entries (main.js, index.js) are replaced atomically
 *   last, and chunks no current entry uses are removed once they are old.
 * - src/engine/validate/precompiled.ts (an empty table) is replaced by the
 *   validators scripts/build/validators.mjs generates from dist/, so a run
 *   does not compile the built-in schemas at start-up.
 */
import { build } from 'esbuild';
import { precompiledValidatorsSource } from './validators.mjs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const outdir = join(root, 'dist/bundle');

const validators = await precompiledValidatorsSource(root);

/** Serves the generated validators for the empty precompiled.ts. */
const precompiledValidators = {
  name: 'precompiled-validators',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]engine[\\/]validate[\\/]precompiled\.ts$/ }, (args) => ({
      contents: validators.code,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

const result = await build({
  write: false,
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts', index: 'src/index.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true, // error class names and stack traces stay readable
  sourcemap: 'linked',
  external: ['ssh2', 'cpu-features', 'esbuild', 'ora', '@kubernetes/client-node'],
  banner: { js: "import { createRequire as __tsplayRequire } from 'node:module'; const require = __tsplayRequire(import.meta.url);" },
  plugins: [precompiledValidators],
  logLevel: 'warning',
});
await mkdir(outdir, { recursive: true });
const entries = new Set(['main.js', 'index.js', 'main.js.map', 'index.js.map']);
const current = new Set(result.outputFiles.map((f) => basename(f.path)));
// chunks first (new names), then the entries, each through a rename so no reader sees half a file
const ordered = [...result.outputFiles].sort((a, b) => Number(entries.has(basename(a.path))) - Number(entries.has(basename(b.path))));
for (const f of ordered) {
  const tmp = `${f.path}.${process.pid}.tmp`;
  await writeFile(tmp, f.contents);
  await rename(tmp, f.path);
}
const STALE_MS = 30 * 60_000;
for (const name of await readdir(outdir)) {
  if (current.has(name)) continue;
  const file = join(outdir, name);
  if (Date.now() - (await stat(file)).mtimeMs > STALE_MS) await rm(file, { force: true });
}
process.stdout.write(`dist/bundle: ${validators.count} validators precompiled\n`);
