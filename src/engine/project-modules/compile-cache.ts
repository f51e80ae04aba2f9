/**
 * Loads a project's TypeScript module (`modules/*.ts`) without a build step,
 * and without paying for it on every run.
 *
 * The first run compiles the file with esbuild (its relative imports bundled
 * in, packages such as `tsplay` left as imports) into
 * `<project>/.tsplay-cache/modules/`, next to a manifest of the inputs and
 * their sha256. Later runs hash the inputs, find them unchanged and import
 * the compiled file directly: no compiler starts. Editing the module or any
 * file it imports recompiles it.
 *
 * The cache lives inside the project so that `import ... from 'tsplay'`
 * resolves exactly as it does from `modules/` itself.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What the cache remembers about one compiled module. */
interface Manifest {
  readonly compiler: string;
  /** the compiled file, relative to the cache directory */
  readonly output: string;
  /** every source file that went into it (relative to the project), with its sha256 */
  readonly inputs: Readonly<Record<string, string>>;
}

/** A TypeScript module that does not compile: esbuild's first message, with its place. */
export class ModuleCompileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

async function writeAtomically(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

async function readManifest(file: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** True when every input still has the content it was compiled from. */
async function upToDate(m: Manifest, projectDir: string, compiler: string): Promise<boolean> {
  if (m.compiler !== compiler) return false;
  for (const [path, hash] of Object.entries(m.inputs)) {
    try {
      if (sha256(await readFile(resolve(projectDir, path))) !== hash) return false;
    } catch {
      return false;
    }
  }
  return true;
}

async function compile(file: string, projectDir: string): Promise<{ code: string; inputs: string[]; compiler: string }> {
  const esbuild = await import('esbuild');
  try {
    const r = await esbuild.build({
      absWorkingDir: projectDir,
      entryPoints: [file],
      bundle: true,
      packages: 'external',
      // also when a tsconfig `paths` entry points `tsplay` at sources (as this repository's does):
      // the module must share the running engine's classes, not bundle a copy of them
      external: ['tsplay', 'tsplay/*'],
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
    const out = r.outputFiles[0];
    if (!out) throw new Error('esbuild produced no output');
    return { code: out.text, inputs: Object.keys(r.metafile.inputs), compiler: `esbuild ${esbuild.version}` };
  } catch (e) {
    const first = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors?.[0];
    if (!first) throw e;
    const where = first.location;
    throw new ModuleCompileError(first.text, where ? resolve(projectDir, where.file) : file, where?.line, where ? where.column + 1 : undefined);
  }
}

/**
 * Imports `file` (a .ts/.mts under `<project>/modules/`) through the compile
 * cache and returns its namespace.
 */
export async function importTypeScriptModule(file: string): Promise<Record<string, unknown>> {
  const projectDir = dirname(dirname(file));
  const cacheDir = join(projectDir, '.tsplay-cache', 'modules');
  const name = relative(join(projectDir, 'modules'), file).replace(/[\\/]/g, '__');
  const manifestFile = join(cacheDir, `${name}.json`);

  const esbuildVersion = await compilerVersion();
  const known = await readManifest(manifestFile);
  if (known && (await upToDate(known, projectDir, esbuildVersion))) {
    try {
      return (await import(pathToFileURL(join(cacheDir, known.output)).href)) as Record<string, unknown>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !(e as Error).message.includes(known.output)) throw e;
      // the compiled file was removed: compile again
    }
  }

  const { code, inputs, compiler } = await compile(file, projectDir);
  const hashes: Record<string, string> = {};
  for (const input of inputs) hashes[input] = sha256(await readFile(resolve(projectDir, input)));
  const output = `${basename(name).replace(/\.m?ts$/, '')}-${sha256(code).slice(0, 12)}.mjs`;
  await mkdir(cacheDir, { recursive: true });
  await writeAtomically(join(cacheDir, output), code);
  await writeAtomically(manifestFile, JSON.stringify({ compiler, output, inputs: hashes } satisfies Manifest, null, 2));
  return (await import(pathToFileURL(join(cacheDir, output)).href)) as Record<string, unknown>;
}

/** esbuild's version without starting it (read from its package.json), so a cached run never spawns the compiler. */
async function compilerVersion(): Promise<string> {
  const { createRequire } = await import('node:module');
  const pkg = JSON.parse(await readFile(createRequire(import.meta.url).resolve('esbuild/package.json'), 'utf8')) as { version: string };
  return `esbuild ${pkg.version}`;
}
