/** `tsplay modules [NAME...] [--json | --markdown] [-p DIR]`: every module and its parameters, from the schemas. */
import { Command } from 'commander';
import { builtinRegistry } from '../../engine/builtin-registry.js';
import { formatModulesMarkdown, formatModuleText, moduleDoc } from '../../engine/module-docs.js';
import { OptionsError } from '../../engine/errors.js';
import type { RunIO } from '../../engine/run/run-io.js';

export async function modulesCli(argv: readonly string[], io: RunIO): Promise<number> {
  const cmd = new Command('tsplay modules')
    .description('List built-in and project modules with their parameters')
    .argument('[names...]', 'only these modules')
    .option('--json', 'machine-readable output')
    .option('--markdown', 'Markdown, as in docs/modules.md')
    .option('--builtin', 'only the built-in modules (docs/modules.md is `tsplay modules --markdown --builtin`)')
    .option('-p, --project <dir>', 'project directory whose modules/ to load (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  cmd.parse([...argv], { from: 'user' });
  const o = cmd.opts<{ json?: boolean; markdown?: boolean; builtin?: boolean; project: string[] }>();
  const registry = builtinRegistry();
  if (!o.builtin) await registry.loadProjectModules(o.project.length ? o.project : [process.cwd()]);
  let docs = registry.entries().map((e) => moduleDoc(e.module, e.origin));
  if (cmd.args.length) {
    const unknown = cmd.args.filter((n) => !registry.has(n));
    if (unknown.length) throw new OptionsError(`unknown module${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
    const wanted = new Set(cmd.args.map((n) => registry.get(n)?.name));
    docs = docs.filter((d) => wanted.has(d.name));
  }
  if (o.json) io.stdout.write(`${JSON.stringify(docs, null, 2)}\n`);
  else if (o.markdown) io.stdout.write(formatModulesMarkdown(docs));
  else io.stdout.write(`${docs.map(formatModuleText).join('\n\n')}\n`);
  return 0;
}
