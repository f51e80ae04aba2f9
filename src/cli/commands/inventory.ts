/**
 * `tsplay inventory`: shows an inventory the way ansible-inventory does.
 * `--list` (default) prints groups and merged host variables as JSON,
 * `--graph [GROUP]` the group tree, `--host NAME` one host's variables.
 * Secrets print as their mask. Errors are written and mapped to exit codes.
 */
import { ExitCode, OptionsError, TsplayError } from '../../engine/errors.js';
import { inventoryGraph, inventoryList, toAnsibleJson } from '../../engine/inventory/ansible-output.js';
import { loadInventory } from '../../engine/inventory/load.js';
import type { ReadYaml } from '../../engine/inventory/model.js';

export interface InventoryCommandOptions {
  readonly sources: readonly string[];
  readonly list?: boolean;
  /** `--graph` alone is `true` (all); `--graph web` starts at that group */
  readonly graph?: string | true;
  readonly host?: string;
  readonly extraVarsDirs?: readonly string[];
  readonly readYaml?: ReadYaml;
}

/** `write` gets the output; `writeErr` (default: `write`) warnings and errors, which must not corrupt the JSON on stdout. */
export function runInventoryCommand(opts: InventoryCommandOptions, write: (text: string) => void, writeErr: (text: string) => void = write): number {
  try {
    return run(opts, write, writeErr);
  } catch (e) {
    if (TsplayError.isInstance(e)) {
      writeErr(`ERROR: ${e.format()}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

function run(opts: InventoryCommandOptions, write: (text: string) => void, writeErr: (text: string) => void): number {
  const chosen = [opts.list, opts.graph !== undefined, opts.host !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new OptionsError('choose one of --list, --graph and --host');
  if (opts.sources.length === 0) throw new OptionsError('no inventory given', { hint: 'pass -i FILE_OR_DIR (it may be repeated)' });
  const inv = loadInventory(opts.sources, {
    ...(opts.extraVarsDirs ? { extraVarsDirs: opts.extraVarsDirs } : {}),
    ...(opts.readYaml ? { readYaml: opts.readYaml } : {}),
  });
  for (const w of inv.warnings) writeErr(`[WARNING]: ${w}\n`);
  if (opts.graph !== undefined) {
    const group = opts.graph === true ? 'all' : opts.graph;
    const text = inventoryGraph(inv, group);
    if (text === undefined) throw new OptionsError(`pattern must be a valid group name: ${group}`);
    write(text + '\n');
    return ExitCode.ok;
  }
  if (opts.host !== undefined) {
    if (!inv.hosts.has(opts.host)) throw new OptionsError(`you must pass a single valid host to --host parameter: ${opts.host}`);
    write(toAnsibleJson(inv.hostVariables(opts.host)) + '\n');
    return ExitCode.ok;
  }
  write(toAnsibleJson(inventoryList(inv)) + '\n');
  return ExitCode.ok;
}
