/** `tsplay errors [CODE...] [--json | --markdown]`: the error codes, their exit statuses and typical fixes. */
import { Command } from 'commander';
import { errorCodeDocs, formatErrorCodeText, formatErrorsMarkdown } from '../../engine/error-docs.js';
import { OptionsError } from '../../engine/errors.js';
import { nearest } from '../../engine/validate/did-you-mean.js';
import type { RunIO } from '../../engine/run/run-io.js';

export async function errorsCli(argv: readonly string[], io: RunIO): Promise<number> {
  const cmd = new Command('tsplay errors')
    .description('List the error codes with their exit statuses and typical fixes')
    .argument('[codes...]', 'only these codes (E_TYPE or type)')
    .option('--json', 'machine-readable output')
    .option('--markdown', 'Markdown, as in docs/errors.md (docs/errors.md is `tsplay errors --markdown`)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  cmd.parse([...argv], { from: 'user' });
  const o = cmd.opts<{ json?: boolean; markdown?: boolean }>();
  let docs = errorCodeDocs();
  if (cmd.args.length) {
    const wanted = cmd.args.map((a) => (a.toUpperCase().startsWith('E_') ? a.toUpperCase() : `E_${a.toUpperCase()}`));
    const known = new Set(docs.map((d) => d.code as string));
    const unknown = wanted.filter((w) => !known.has(w));
    if (unknown.length) {
      const near = nearest(unknown[0]!, [...known]);
      throw new OptionsError(`unknown error code${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}${near ? `; did you mean '${near}'?` : ''}`);
    }
    docs = docs.filter((d) => wanted.includes(d.code));
  }
  if (o.json) io.stdout.write(`${JSON.stringify(docs, null, 2)}\n`);
  else if (o.markdown) io.stdout.write(formatErrorsMarkdown(docs));
  else io.stdout.write(`${docs.map(formatErrorCodeText).join('\n\n')}\n`);
  return 0;
}
