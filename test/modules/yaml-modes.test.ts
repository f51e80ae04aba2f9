/**
 * `mode: 0644` written unquoted, as in an Ansible playbook: YAML 1.1 reads it
 * as the number 420, and every module with a mode must give the file exactly
 * 0644 (it once gave 0420: validation turned 420 into "420", read as octal).
 * Parameters are written as YAML and loaded by tsplay's loader, then run
 * through the module harness on the local filesystem.
 */
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyModule } from '../../src/engine/module.js';
import { ModuleParams } from '../../src/engine/validate/module-params.js';
import { schemaAcceptsType } from '../../src/engine/validate/describe.js';
import { parseYaml } from '../../src/engine/yaml/load.js';
import { builtinModules } from '../../src/modules/index.js';
import blockinfile from '../../src/modules/blockinfile.js';
import copy from '../../src/modules/copy.js';
import file from '../../src/modules/file.js';
import lineinfile from '../../src/modules/lineinfile.js';
import template from '../../src/modules/template.js';
import { expectConverges, tempDir } from '../helpers/module-harness.js';

/** An existing file whose mode is none of the wanted ones. */
const existing = async (_dir: string, path: string): Promise<void> => {
  await writeFile(path, 'hello\n');
  await chmod(path, 0o666);
};

const modeOf = async (p: string): Promise<string> => ((await stat(p)).mode & 0o7777).toString(8).padStart(4, '0');

interface Target {
  readonly module: AnyModule;
  /** the task's parameters as YAML, `MODE` standing for the unquoted mode; `PATH` for the path */
  readonly yaml: string;
  /** makes what the module needs (an existing file, a template on the controller) */
  readonly setup?: (dir: string, path: string) => Promise<void>;
  readonly dir?: boolean;
}

const targets: Readonly<Record<string, Target>> = {
  'file state=touch (new file)': { module: file, yaml: 'path: PATH\nstate: touch\nmodification_time: preserve\naccess_time: preserve\nmode: MODE' },
  'file (existing file)': { module: file, yaml: 'path: PATH\nmode: MODE', setup: existing },
  'file state=directory': { module: file, yaml: 'path: PATH\nstate: directory\nmode: MODE', dir: true },
  'copy content': { module: copy, yaml: 'dest: PATH\ncontent: "hello\\n"\nmode: MODE' },
  'copy (same content, mode differs)': { module: copy, yaml: 'dest: PATH\ncontent: "hello\\n"\nmode: MODE', setup: existing },
  template: {
    module: template,
    yaml: 'src: t.hbs\ndest: PATH\nmode: MODE',
    setup: async (d) => {
      await mkdir(join(d, 'ctl', 'templates'), { recursive: true });
      await writeFile(join(d, 'ctl', 'templates', 't.hbs'), 'v={{v}}\n');
    },
  },
  'lineinfile create': { module: lineinfile, yaml: 'path: PATH\nline: a=1\ncreate: true\nmode: MODE' },
  'blockinfile create': { module: blockinfile, yaml: 'path: PATH\nblock: a=1\ncreate: true\nmode: MODE' },
};

const MODES = ['0644', '0600', '0755', '0440'] as const;

describe('unquoted YAML 1.1 modes give exactly that mode', () => {
  it.each(Object.keys(targets).flatMap((target) => MODES.map((mode) => ({ target, mode }))))('$target, mode: $mode', async ({ target, mode }) => {
    const t = targets[target]!;
    const root = await tempDir();
    const work = join(root, 'work');
    await mkdir(work);
    const path = join(work, 'p');
    await t.setup?.(root, path);
    const params = parseYaml(t.yaml.replace('PATH', path).replace('MODE', mode), 'task.yml') as Record<string, unknown>;
    expect(params.mode).toBe(parseInt(mode, 8)); // the loader read it as Ansible does
    await expectConverges(t.module, params, work, { controllerDir: join(root, 'ctl'), vars: { v: 1 }, expectChanged: true });
    expect(await modeOf(path)).toBe(mode);
    expect((await stat(path)).isDirectory()).toBe(t.dir ?? false);
  });
});

/** Built-in modules whose `mode` is a file mode (nsx_spoofguard's `mode` is a choice of words). */
const withFileMode = Object.entries(builtinModules)
  .filter(([, m]) => {
    const mode = (m.params as { properties?: Record<string, unknown> }).properties?.mode;
    return mode !== undefined && schemaAcceptsType(mode, 'integer');
  })
  .map(([name]) => name)
  .sort();

describe("the engine's parameter validation keeps a mode's type", () => {
  it('every built-in module with a file mode is in the table above', () => {
    expect(withFileMode).toEqual(['blockinfile', 'copy', 'file', 'lineinfile', 'template']);
    for (const name of withFileMode) expect(Object.values(targets).some((t) => t.module === builtinModules[name as keyof typeof builtinModules])).toBe(true);
  });

  const validator = new ModuleParams();
  const where = { file: 'pb.yml', line: 1, column: 1 };
  const base: Readonly<Record<string, Record<string, unknown>>> = {
    blockinfile: { path: '/x', block: 'a' },
    copy: { dest: '/x', content: 'a' },
    file: { path: '/x' },
    lineinfile: { path: '/x', line: 'a' },
    template: { src: 'a', dest: '/x' },
  };
  it.each(withFileMode.flatMap((name) => [420, '0644', '420', 'u+x', 0].map((mode) => ({ name, mode }))))('$name: mode $mode stays $mode', ({ name, mode }) => {
    const mod = builtinModules[name as keyof typeof builtinModules];
    const args = { ...base[name], mode };
    expect(validator.check(mod, args)).toEqual([]);
    expect(validator.validate(mod, args, where).mode).toBe(mode);
  });

  it('a boolean is not taken for mode 0001 (it becomes "true", which is no mode)', () => {
    expect(validator.validate(file, { path: '/x', mode: true }, where).mode).toBe('true');
  });
});
