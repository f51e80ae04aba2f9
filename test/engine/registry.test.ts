import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/engine/builtin-registry.js';
import { ParseError } from '../../src/engine/errors.js';
import { contractProblems, normaliseModuleName } from '../../src/engine/registry.js';

const ROOT = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function projectWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-registry-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'modules'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'modules', name), text);
  return dir;
}

describe('module registry', () => {
  it.each([
    ['copy', 'copy'],
    ['ansible.builtin.copy', 'copy'],
    ['ansible.legacy.shell', 'shell'],
    ['tsplay.builtin.apt', 'apt'],
    ['community.general.x', 'community.general.x'],
  ])('normalises %s to %s', (name, want) => {
    expect(normaliseModuleName(name)).toBe(want);
  });

  it('resolves aliases to their module', () => {
    const r = builtinRegistry();
    expect(r.get('systemd_service')?.name).toBe('systemd');
    expect(r.get('ansible.builtin.service')?.name).toBe('systemd');
    expect(r.origin('copy')).toBe('built-in');
  });

  it("loads the repository's own project module (TypeScript, no build step) with the built-ins", async () => {
    const r = builtinRegistry();
    await r.loadProjectModules([ROOT]);
    expect(r.get('path_mtu')?.description).toMatch(/path MTU/);
    expect(r.origin('path_mtu')).toBe(join(ROOT, 'modules', 'path_mtu.ts'));
  });

  it('loads a JavaScript project module written against the contract', async () => {
    const dir = projectWith({
      'hello.mjs': `export default { name: 'hello', description: 'Says hello.', params: { type: 'object', properties: {} }, async check() { return { changed: false, result: { msg: 'hello' } }; } };`,
    });
    const r = builtinRegistry();
    await r.loadProjectModules([dir]);
    expect(r.get('hello')?.name).toBe('hello');
  });

  it.each([
    ['not an object', 'export default 3;', /default export must be/],
    ['bad name and no check', "export default { name: 'Bad-Name', description: 'x', params: { type: 'object' } };", /lower_snake_case.*'check' must be a function/],
    ['params not an object schema', "export default { name: 'x', description: 'x', params: { type: 'string' }, check() {} };", /'params' must be a Type.Object/],
  ])('refuses a module that breaks the contract: %s', async (_name, text, message) => {
    const dir = projectWith({ 'broken.mjs': text });
    const err = await builtinRegistry()
      .loadProjectModules([dir])
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).code).toBe('E_MODULE_INVALID');
    expect((err as ParseError).message).toMatch(message);
    expect((err as ParseError).location?.file).toBe(join(dir, 'modules', 'broken.mjs'));
  });

  it('refuses a project module that would shadow a built-in', async () => {
    const dir = projectWith({
      'copy.mjs': `export default { name: 'copy', description: 'Mine.', params: { type: 'object', properties: {} }, async check() { return { changed: false }; } };`,
    });
    const err = await builtinRegistry()
      .loadProjectModules([dir])
      .then(() => undefined, (e: unknown) => e);
    expect((err as ParseError).code).toBe('E_MODULE_CONFLICT');
  });

  it('reports a module file that does not compile, with its path', async () => {
    const dir = projectWith({ 'syntax.ts': 'export default {{{;' });
    const err = await builtinRegistry()
      .loadProjectModules([dir])
      .then(() => undefined, (e: unknown) => e);
    expect((err as ParseError).code).toBe('E_MODULE_LOAD');
    expect((err as ParseError).location?.file).toBe(join(dir, 'modules', 'syntax.ts'));
  });

  it('checks the contract as data too', () => {
    expect(contractProblems({ name: 'ok_name', description: 'd', params: { type: 'object' }, check: () => undefined })).toEqual([]);
  });
});
