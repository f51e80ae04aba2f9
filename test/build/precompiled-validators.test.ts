/**
 * The validators precompiled at build time (scripts/build/validators.mjs, used
 * by dist/bundle) must behave exactly as the ones a run compiles itself: same
 * verdict, same errors (our messages are made from them), same coercion and
 * defaults. Generated from dist/ (scripts/test.sh builds first), loaded, and
 * compared with SchemaCompiler on the source schemas, input by input.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinModules } from '../../src/modules/index.js';
import * as playSchemas from '../../src/engine/playbook/schema/play.js';
import * as taskSchemas from '../../src/engine/playbook/schema/task.js';
import { SchemaCompiler, schemaKey } from '../../src/engine/validate/schema-compiler.js';

const ROOT = resolve(import.meta.dirname, '../..');
const built = existsSync(join(ROOT, 'dist/engine/validate/schema-compiler.js'));
let dir = '';
let table: Record<string, ValidateFunction> = {};

beforeAll(async () => {
  if (!built) return;
  const { precompiledValidatorsSource } = (await import(pathToFileURL(join(ROOT, 'scripts/build/validators.mjs')).href)) as {
    precompiledValidatorsSource: (root: string) => Promise<{ code: string; count: number }>;
  };
  const { code } = await precompiledValidatorsSource(ROOT);
  dir = mkdtempSync(join(tmpdir(), 'tsplay-precompiled-'));
  const file = join(dir, 'validators.mjs');
  // the bundle gives its chunks a `require`; so does this file
  writeFileSync(file, `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(join(ROOT, 'package.json'))});\n${code}`);
  table = ((await import(pathToFileURL(file).href)) as { precompiled: Record<string, ValidateFunction> }).precompiled;
});
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v ?? null));
const isSchema = (v: unknown): v is object => v !== null && typeof v === 'object' && ('type' in v || 'anyOf' in v);
const inputs: unknown[] = [
  {},
  null,
  'text',
  42,
  [],
  { name: 'x' },
  { bogus: 1 },
  { name: 'x', hosts: 'all', tasks: [] },
  { hosts: 1, gather_facts: 'yes', serial: '30%' },
  { state: 'present', path: '/etc/x', mode: 644, enabled: 'no' },
  { name: ['a', 'b'], msg: { nested: true }, when: 'x is defined', loop: '{{ items }}' },
];

describe.skipIf(!built)('precompiled validators', () => {
  const cases: [string, 'schema' | 'params', object][] = [
    ...Object.entries({ ...playSchemas, ...taskSchemas })
      .filter(([, v]) => isSchema(v))
      .map(([name, s]) => [`schema ${name}`, 'schema', s as object] as [string, 'schema', object]),
    ...Object.values(builtinModules).map((m) => [`params of ${m.name}`, 'params', m.params] as [string, 'params', object]),
  ];

  it('cover every built-in module and the playbook schemas', () => {
    for (const [name, profile, schema] of cases) expect(table[schemaKey(profile, schema)], name).toBeTypeOf('function');
  });

  it.each(cases)('%s: same verdict, errors and coerced data as compiling at run time', (_name, profile, schema) => {
    const pre = table[schemaKey(profile, schema)] as ValidateFunction;
    const live = new SchemaCompiler(profile, {}).compile(schema);
    for (const input of inputs) {
      const a = structuredClone(input);
      const b = structuredClone(input);
      expect(pre(a)).toBe(live(b));
      // as JSON: the precompiled schemas are JSON copies, without TypeBox's symbol keys (nothing reads those)
      expect(asJson(pre.errors)).toEqual(asJson(live.errors));
      expect(a).toEqual(b);
    }
  });
});
