/** Dispatches to a subcommand and turns errors into messages and exit codes (no stack traces for user errors). */
import { CommanderError } from 'commander';
import { existsSync } from 'node:fs';
import { errorReport, ExitCode, OptionsError, TsplayError } from '../engine/errors.js';
import type { RunIO } from '../engine/run/run-io.js';

const processIO: RunIO = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };

export async function runCli(argv: readonly string[], io: RunIO = processIO): Promise<number> {
  try {
    switch (argv[0]) {
      case 'inventory':
        return await (await import('./commands/inventory-cli.js')).inventoryCli(argv.slice(1), io);
      case 'vault':
        return await (await import('./commands/vault-cli.js')).vaultCli(argv.slice(1), io);
      case 'modules':
        return await (await import('./commands/modules-cli.js')).modulesCli(argv.slice(1), io);
      case 'errors':
        return await (await import('./commands/errors-cli.js')).errorsCli(argv.slice(1), io);
      default:
        await refuseMistypedCommand(argv[0]);
        return await (await import('./commands/playbook-cli.js')).playbookCli(argv, io);
    }
  } catch (e) {
    return reportError(e, io);
  }
}

const SUBCOMMANDS = ['inventory', 'vault', 'modules', 'errors'];

/** `tsplay inventroy --list` is a typo of a subcommand, not a playbook named `inventroy`. */
async function refuseMistypedCommand(first: string | undefined): Promise<void> {
  if (first === undefined || first.startsWith('-') || /[./\\]/.test(first) || existsSync(first)) return;
  const { nearest } = await import('../engine/validate/did-you-mean.js');
  const near = nearest(first, SUBCOMMANDS);
  if (near) throw new OptionsError(`unknown command '${first}'; did you mean 'tsplay ${near}'?`, { hint: 'a playbook is given as a file: tsplay site.yml' });
}

export function reportError(e: unknown, io: RunIO): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.ok;
    return ExitCode.badOptions; // commander already printed the message
  }
  if (TsplayError.isInstance(e)) {
    io.stderr.write(`ERROR! ${errorReport(e)}\n`);
    return e.exitCode;
  }
  io.stderr.write(`ERROR! unexpected internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return ExitCode.error;
}
