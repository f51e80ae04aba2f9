/** `tsplay PLAYBOOK... [options]`: the flags of ansible-playbook, mapped to a run request. */
import { Command, Option } from 'commander';
import { OptionsError } from '../../engine/errors.js';
import { runPlaybooks, type PlaybookRunRequest } from '../../engine/run-playbooks.js';
import type { RunIO } from '../../engine/run/run-io.js';
import { version } from '../version.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function playbookCommand(): Command {
  return new Command('tsplay')
    .description('Run Ansible-style playbooks over SSH, HTTP or locally, in parallel, with honest check and diff modes.')
    .usage('PLAYBOOK... [options]   |   tsplay inventory|vault|modules|errors ...')
    .argument('<playbook...>', 'playbook files, run in order')
    .option('-i, --inventory <path>', 'inventory file or directory (repeatable)', collect, [])
    .option('-e, --extra-vars <vars>', 'key=value, @file.yml or a JSON/YAML mapping (repeatable; highest precedence)', collect, [])
    .option('-C, --check', 'predict what would change, changing nothing')
    .option('-D, --diff', 'show the changes (file contents, settings)')
    .option('-t, --tags <tags>', 'run only tasks with these tags (comma-separated, repeatable)', collect, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma-separated, repeatable)', collect, [])
    .option('-l, --limit <pattern>', 'further limit the hosts to this pattern')
    .option('--start-at-task <name>', 'start at the first task with this name (glob)')
    .option('--list-hosts', 'list the hosts each play would run on, then exit')
    .option('--list-tasks', 'list the tasks that would run, then exit')
    .option('--list-tags', 'list the tags in use, then exit')
    .option('--syntax-check', 'load and validate everything, contact no host, then exit')
    .addOption(new Option('-f, --forks <n>', 'how many hosts work at once').argParser(positiveInt))
    .option('-v, --verbose', 'more output (-v results, -vv all results, -vvv commands)', (_v: string, prev: number) => prev + 1, 0)
    .option('--json', 'write one JSON event per line to stdout instead of human output')
    .option('--junit <file>', 'also write a JUnit XML report to FILE')
    .option('--profile', 'print the slowest tasks at the end')
    .option('--vault-password-file <file>', 'vault password file (repeatable)', collect, [])
    .option('--vault-id <id>', 'vault id label@source (repeatable)', collect, [])
    .option('-J, --ask-vault-pass', 'ask for the vault password')
    .option('-b, --become', 'run tasks with become (sudo)')
    .option('--become-user <user>', 'the user to become (default root)')
    .option('-K, --ask-become-pass', 'ask for the become (sudo) password')
    .option('-u, --user <user>', 'connect as this user (overrides no inventory variable)')
    .option('-c, --connection <type>', 'connection type for hosts that do not set one')
    .option('--accept-new-host-keys', 'trust and record SSH host keys seen for the first time')
    .version(`tsplay ${version()}`, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({});
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new OptionsError(`--forks takes a whole number of at least 1, got '${v}'`);
  return n;
}

interface ParsedFlags {
  inventory: string[];
  extraVars: string[];
  check?: boolean;
  diff?: boolean;
  tags: string[];
  skipTags: string[];
  limit?: string;
  startAtTask?: string;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  syntaxCheck?: boolean;
  forks?: number;
  verbose: number;
  json?: boolean;
  junit?: string;
  profile?: boolean;
  vaultPasswordFile: string[];
  vaultId: string[];
  askVaultPass?: boolean;
  become?: boolean;
  becomeUser?: string;
  askBecomePass?: boolean;
  user?: string;
  connection?: string;
  acceptNewHostKeys?: boolean;
}

export async function playbookCli(argv: readonly string[], io: RunIO): Promise<number> {
  const cmd = playbookCommand();
  cmd.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
  });
  cmd.parse([...argv], { from: 'user' });
  const f = cmd.opts<ParsedFlags>();
  const request: PlaybookRunRequest = {
    playbooks: cmd.args,
    inventories: f.inventory,
    extraVars: f.extraVars,
    check: Boolean(f.check),
    diff: Boolean(f.diff),
    tags: f.tags,
    skipTags: f.skipTags,
    ...(f.limit !== undefined ? { limit: f.limit } : {}),
    ...(f.startAtTask !== undefined ? { startAtTask: f.startAtTask } : {}),
    mode: f.syntaxCheck ? 'syntax-check' : f.listHosts ? 'list-hosts' : f.listTasks ? 'list-tasks' : f.listTags ? 'list-tags' : 'run',
    ...(f.forks !== undefined ? { forks: f.forks } : {}),
    verbosity: f.verbose,
    json: Boolean(f.json),
    ...(f.junit !== undefined ? { junit: f.junit } : {}),
    profile: Boolean(f.profile),
    vaultPasswordFiles: f.vaultPasswordFile,
    vaultIds: f.vaultId,
    askVaultPass: Boolean(f.askVaultPass),
    ...(f.become ? { become: true } : {}),
    ...(f.becomeUser !== undefined ? { becomeUser: f.becomeUser } : {}),
    askBecomePass: Boolean(f.askBecomePass),
    ...(f.user !== undefined ? { user: f.user } : {}),
    ...(f.connection !== undefined ? { connection: f.connection } : {}),
    acceptNewHostKeys: Boolean(f.acceptNewHostKeys),
  };
  return runPlaybooks(request, io);
}
