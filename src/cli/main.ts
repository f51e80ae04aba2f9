/**
 * The tsplay command line. Subcommands (`inventory`, `vault`, `modules`) and
 * the default playbook run are loaded on demand, so `tsplay --version` starts
 * without loading the engine.
 */
import { ExitCode } from '../engine/exit-codes.js'; // no imports of its own: --version stays fast
import { version } from './version.js';

export async function main(argv: readonly string[]): Promise<number> {
  ignoreClosedOutput(process.stdout);
  ignoreClosedOutput(process.stderr);
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`tsplay ${version()} (node ${process.versions.node})\n`);
    return 0;
  }
  const { runCli } = await import('./run-cli.js');
  const code = await runCli(argv);
  // Interrupted: work that was abandoned (a password prompt, a load) must not keep the process alive.
  // Output to pipes and files is written synchronously on POSIX, so nothing is lost.
  if (code === ExitCode.interrupted) process.exit(code);
  return code;
}

/**
 * When the reader of our output goes away (`tsplay ... | head`), writes fail
 * with EPIPE. That must not crash the run halfway through a host's changes:
 * the rest of the output is dropped and the run finishes with its own exit code.
 */
function ignoreClosedOutput(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
}
