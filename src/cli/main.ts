/**
 * The tsplay command line. Subcommands (`inventory`, `vault`, `modules`) and
 * the default playbook run are loaded on demand, so `tsplay --version` starts
 * without loading the engine.
 */
import { readFileSync } from 'node:fs';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`tsplay ${version()} (node ${process.versions.node})\n`);
    return 0;
  }
  const { runCli } = await import('./run-cli.js');
  return runCli(argv);
}
