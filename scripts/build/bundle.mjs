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
 *   tsx (loads a project's .ts modules at run time), ora (only on a terminal).
 * - CommonJS dependencies call `require`; the banner gives ESM chunks one.
 * - src/engine/validate/precompiled.ts (an empty table) is replaced by the
 *   validators scripts/build/validators.mjs generates from dist/, so a run
 *   does not compile the built-in schemas at start-up.
 */
import { build } from 'esbuild';
import { precompiledValidatorsSource } from './validators.mjs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

await rm(outdir, { recursive: true, force: true });
await build({
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
  external: ['ssh2', 'cpu-features', 'tsx', 'tsx/*', 'ora'],
  banner: { js: "import { createRequire as __tsplayRequire } from 'node:module'; const require = __tsplayRequire(import.meta.url);" },
  plugins: [precompiledValidators],
  logLevel: 'warning',
});
process.stdout.write(`dist/bundle: ${validators.count} validators precompiled\n`);
