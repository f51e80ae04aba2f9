/**
 * Project modules in TypeScript: compiled once by esbuild into
 * `<project>/.tsplay-cache/modules/`, reused while their sources are
 * unchanged, recompiled when the module or a file it imports changes, and
 * a syntax error is reported at its file, line and column.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importTypeScriptModule, ModuleCompileError } from '../../../src/engine/project-modules/compile-cache.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-compile-cache-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const manifest = (dir: string, name: string): { output: string; inputs: Record<string, string> } =>
  JSON.parse(readFileSync(join(dir, '.tsplay-cache/modules', `${name}.json`), 'utf8')) as { output: string; inputs: Record<string, string> };

describe('importTypeScriptModule', () => {
  it('compiles once, then imports the cached output while nothing changed', async () => {
    const dir = project({
      'modules/greet.ts': "import { word } from './lib/word.ts';\nconst n: number = 2;\nexport default { word, n };\n",
      'modules/lib/word.ts': "export const word: string = 'hello';\n",
    });
    const first = await importTypeScriptModule(join(dir, 'modules/greet.ts'));
    expect(first.default).toEqual({ word: 'hello', n: 2 });
    const m = manifest(dir, 'greet.ts');
    expect(Object.keys(m.inputs).sort()).toEqual(['modules/greet.ts', 'modules/lib/word.ts']);
    const out = join(dir, '.tsplay-cache/modules', m.output);
    const before = statSync(out).mtimeMs;

    await importTypeScriptModule(join(dir, 'modules/greet.ts'));
    expect(manifest(dir, 'greet.ts')).toEqual(m);
    expect(statSync(out).mtimeMs).toBe(before); // not written again
  });

  it('recompiles when a file the module imports changes', async () => {
    const dir = project({
      'modules/greet.ts': "import { word } from './lib/word.ts';\nexport default { word };\n",
      'modules/lib/word.ts': "export const word = 'hello';\n",
    });
    await importTypeScriptModule(join(dir, 'modules/greet.ts'));
    writeFileSync(join(dir, 'modules/lib/word.ts'), "export const word = 'bonjour';\n");
    const again = await importTypeScriptModule(join(dir, 'modules/greet.ts'));
    expect(again.default).toEqual({ word: 'bonjour' });
  });

  it('compiles again when the cached output was removed', async () => {
    const dir = project({ 'modules/one.ts': 'export default 1;\n' });
    await importTypeScriptModule(join(dir, 'modules/one.ts'));
    rmSync(join(dir, '.tsplay-cache/modules', manifest(dir, 'one.ts').output));
    writeFileSync(join(dir, 'modules/one.ts'), 'export default 1;\n'); // same content, same manifest
    await expect(importTypeScriptModule(join(dir, 'modules/one.ts'))).resolves.toMatchObject({ default: 1 });
  });

  it('keeps packages as imports: `tsplay` is the running engine, not a copy', async () => {
    const dir = project({ 'modules/uses.ts': "import { Type } from 'tsplay';\nexport default Type;\n" });
    // (under vitest the import of 'tsplay' resolves through the test alias; what matters is the compiled code)
    await importTypeScriptModule(join(dir, 'modules/uses.ts')).catch(() => undefined);
    const code = readFileSync(join(dir, '.tsplay-cache/modules', manifest(dir, 'uses.ts').output), 'utf8');
    expect(code).toMatch(/from "tsplay"/);
    expect(code.length).toBeLessThan(2_000); // nothing of the engine bundled in
  });

  it('reports a syntax error at its file, line and column', async () => {
    const dir = project({ 'modules/bad.ts': 'export default {\n  a: 1,\n  b: = 2,\n};\n' });
    const err = await importTypeScriptModule(join(dir, 'modules/bad.ts')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleCompileError);
    expect(err).toMatchObject({ file: join(dir, 'modules/bad.ts'), line: 3, column: 6 });
    expect((err as Error).message).toMatch(/Unexpected "="/);
  });
});
