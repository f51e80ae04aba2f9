/**
 * Compiles test/types/module-contract.ts with its `@ts-expect-error` markers
 * removed: each marked line must then fail to compile, and nothing else may.
 * (`npm run typecheck` proves the other half: with the markers, it compiles.)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SOURCE = join(import.meta.dirname, 'module-contract.ts');
const run = promisify(execFile);

describe('the module contract in the types', () => {
  const dir = mkdtempSync(join(ROOT, 'test/types/.tmp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses every marked mistake, each on its own line, and nothing else', async () => {
    const lines = readFileSync(SOURCE, 'utf8').split('\n');
    const expected: { line: number; why: string }[] = [];
    const stripped = lines.map((l, i) => {
      const m = /^\s*\/\/ @ts-expect-error (.*)$/.exec(l);
      if (!m) return l;
      expected.push({ line: i + 2, why: m[1] ?? '' }); // the line after the marker, 1-based
      return '';
    });
    expect(expected.length).toBeGreaterThanOrEqual(9);
    writeFileSync(join(dir, 'contract.ts'), stripped.join('\n').replaceAll("'../../src/", "'../../../src/"));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '../../..' }, include: ['contract.ts'] }));
    const out = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: ROOT }).then(
      () => '',
      (e: unknown) => (e as { stdout?: string }).stdout ?? '',
    );
    const failing = new Set([...out.matchAll(/contract\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1])));
    for (const e of expected) expect(failing.has(e.line), `line ${e.line} should fail: ${e.why}\n${out}`).toBe(true);
    expect([...failing].sort((a, b) => a - b)).toEqual(expected.map((e) => e.line));
  }, 120_000);
});
