/**
 * The commands that only tell: `--version` (a fast path that loads no engine
 * and no dependency), `--help`, `tsplay modules` (every built-in module with
 * its parameters; `--markdown --builtin` is docs/modules.md, and this test
 * fails when that file is stale), `tsplay errors` (the error catalogue;
 * `--markdown` is docs/errors.md, checked the same way) and `tsplay inventory --list` (the JSON of
 * ansible-inventory, compared with ansible-inventory itself when installed).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/engine/builtin-registry.js';
import { ErrorCodes, type ErrorCode, type ErrorCodeInfo } from '../../src/engine/error-codes.js';
import { CLI, cli, ROOT, tempDir } from './cli-harness.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const MODULE_LOG = join(ROOT, 'test/fixtures/cli/module-log/register.mjs');

/** The URLs of every module `tsplay ARGS` loads. */
function modulesLoaded(args: readonly string[]): { code: number | null; loaded: string[] } {
  const log = join(tempDir(), 'loaded.txt');
  const r = spawnSync(process.execPath, ['--import', MODULE_LOG, CLI, ...args], {
    cwd: tempDir(),
    env: { ...process.env, TSPLAY_TEST_LOADED: log },
    encoding: 'utf8',
  });
  return { code: r.status, loaded: readFileSync(log, 'utf8').trim().split('\n') };
}

describe('--version', () => {
  it.each(['--version', '-V'])('%s prints the package version and exits 0', async (flag) => {
    const r = await cli([flag]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`tsplay ${pkg.version} (node ${process.versions.node})\n`);
    expect(r.stderr).toBe('');
  });

  it('loads neither the engine nor any dependency', () => {
    // dist/bundle (scripts/build/bundle.mjs) holds the CLI in shared chunks: --version may load
    // the entry and the few small chunks it imports (errors, esbuild's helpers), nothing more
    const ours = (args: string[]): string[] => [...new Set(modulesLoaded(args).loaded.filter((u) => u.startsWith('file:')))];
    const bytes = (urls: readonly string[]): number => urls.reduce((n, u) => n + statSync(fileURLToPath(u)).size, 0);
    const fast = ours(['--version']);
    expect(fast.filter((u) => !/\/bin\/tsplay\.js$|\/dist\/bundle\/[\w-]+\.js$/.test(u))).toEqual([]);
    expect(fast.some((u) => u.endsWith('/dist/bundle/main.js'))).toBe(true);
    expect(bytes(fast)).toBeLessThan(16_000);
    // the hook sees what the full CLI loads (the argument parser and the rest), so the bound above means something
    expect(bytes(ours(['--help']))).toBeGreaterThan(100_000);
  });
});

describe('--help', () => {
  it('lists the flags and the subcommands and exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: tsplay PLAYBOOK\.\.\. \[options\]/);
    for (const flag of ['--inventory', '--extra-vars', '--check', '--diff', '--limit', '--syntax-check', '--json', '--junit', '--profile', '--vault-password-file', '--become'])
      expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('tsplay inventory|vault|modules');
  });

  it.each(['inventory', 'vault', 'modules', 'errors'])('tsplay %s --help exits 0', async (sub) => {
    const r = await cli([sub, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: tsplay ${sub}`);
  });
});

describe('tsplay modules', () => {
  const builtins = builtinRegistry().entries().filter((e) => e.origin === 'built-in');

  it('lists every built-in module with each of its parameters', async () => {
    const r = await cli(['modules', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const docs = JSON.parse(r.stdout) as { name: string; origin: string; params: { name: string }[] }[];
    expect(docs.map((d) => d.name).sort()).toEqual(builtins.map((e) => e.module.name).sort());
    for (const e of builtins) {
      const doc = docs.find((d) => d.name === e.module.name);
      // names starting with '_' are the engine's own (assert's _evaluated), not for users
      const schemaKeys = Object.keys((e.module.params as { properties?: Record<string, unknown> }).properties ?? {}).filter((k) => !k.startsWith('_'));
      expect(doc?.params.map((p) => p.name).sort(), e.module.name).toEqual(schemaKeys.sort());
    }
    const text = await cli(['modules']);
    for (const e of builtins) expect(text.stdout).toContain(`${e.module.name}  (built-in)`);
  });

  it('NAME shows that module only; an unknown name exits 5', async () => {
    const one = await cli(['modules', 'copy']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^copy {2}\(built-in\)/);
    expect(one.stdout).not.toContain('apt  (built-in)');
    const bad = await cli(['modules', 'cpy']);
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain('unknown module: cpy');
  });

  it('docs/modules.md is `tsplay modules --markdown --builtin` (regenerate it when this fails)', async () => {
    const r = await cli(['modules', '--markdown', '--builtin'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const doc = readFileSync(join(ROOT, 'docs/modules.md'), 'utf8');
    expect(doc, 'docs/modules.md is stale: node bin/tsplay.js modules --markdown --builtin > docs/modules.md').toBe(r.stdout);
  });

  it('the Markdown tables keep five cells per row (a | in a type or default is escaped)', async () => {
    const r = await cli(['modules', '--markdown', '--builtin']);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.length).toBeGreaterThan(builtins.length);
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|').length, row).toBe(7);
  });
});

describe('tsplay errors', () => {
  it('docs/errors.md is `tsplay errors --markdown` (regenerate it when this fails)', async () => {
    const r = await cli(['errors', '--markdown'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const doc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
    expect(doc, 'docs/errors.md is stale: node bin/tsplay.js errors --markdown > docs/errors.md').toBe(r.stdout);
  });

  it('documents every code of the catalogue once, with its exit status, in rows of four or five cells', async () => {
    const r = await cli(['errors', '--markdown']);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| `E_'));
    expect(rows.map((l) => /^\| `(E_\w+)`/.exec(l)?.[1])).toEqual(Object.keys(ErrorCodes));
    for (const row of rows) {
      const cells = row.replace(/\\\|/g, '').split('|').slice(1, -1).map((c) => c.trim());
      const code = cells[0]!.replace(/`/g, '') as ErrorCode;
      const info: ErrorCodeInfo = ErrorCodes[code];
      expect(cells.length, row).toBe(info.via ? 5 : 4);
      expect(cells[info.via ? 2 : 1], row).toBe(String(info.exit));
    }
  });

  it('CODE (with or without E_) shows that code; an unknown one exits 5 with a suggestion', async () => {
    const one = await cli(['errors', 'undefined_var']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^E_UNDEFINED_VAR {2}exit 4\n/);
    expect(one.stdout).not.toContain('E_TYPE');
    const json = await cli(['errors', 'E_MODULE_FAILED', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([{ code: 'E_MODULE_FAILED', ...ErrorCodes.E_MODULE_FAILED }]);
    const bad = await cli(['errors', 'E_TYEP']);
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain("unknown error code: E_TYEP; did you mean 'E_TYPE'?");
  });
});

describe('tsplay inventory --list', () => {
  const hasAnsibleInventory = spawnSync('ansible-inventory', ['--version']).status === 0;
  const fixtures = ['nested/hosts.yml', 'diamond/hosts.yml', 'vars-dirs/inventory.yml'];

  it.each(fixtures)('%s: JSON with all, ungrouped and _meta.hostvars', async (f) => {
    const r = await cli(['inventory', '-i', join(ROOT, 'test/fixtures/inventories', f), '--list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const list = JSON.parse(r.stdout) as { _meta: { hostvars: Record<string, unknown> }; all: { children: string[] } };
    expect(list.all.children).toContain('ungrouped');
    expect(Object.keys(list._meta.hostvars).length).toBeGreaterThan(0);
  });

  it.runIf(hasAnsibleInventory).each(fixtures)('%s: the same JSON as ansible-inventory', async (f) => {
    const file = join(ROOT, 'test/fixtures/inventories', f);
    const r = await cli(['inventory', '-i', file, '--list']);
    const ansible = execFileSync('ansible-inventory', ['-i', file, '--list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(ansible));
  });

  it('an inventory that does not parse exits 4 naming the file', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'all:\n  hosts:\n    a: [1\n');
    const r = await cli(['inventory', '-i', bad, '--list']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`${bad}:`);
    expect(r.stdout).toBe('');
  });
});
