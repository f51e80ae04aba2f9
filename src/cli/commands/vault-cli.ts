/** `tsplay vault encrypt|decrypt|view|edit|encrypt_string`: flags as ansible-vault's. */
import { Command, Option } from 'commander';
import { runVaultCommand, VAULT_ACTIONS, type VaultAction } from './vault.js';
import type { RunIO } from '../../engine/run/run-io.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export async function vaultCli(argv: readonly string[], io: RunIO): Promise<number> {
  const cmd = new Command('tsplay vault')
    .description('Encrypt and decrypt data in Ansible Vault format (1.1 and 1.2)')
    .addArgument(new Command().createArgument('<action>', 'encrypt | decrypt | view | edit | encrypt_string').choices(VAULT_ACTIONS))
    .argument('[args...]', 'files (encrypt, decrypt, view, edit) or strings (encrypt_string); none or - for stdin')
    .option('--vault-password-file <file>', 'vault password file (repeatable)', collect, [])
    .option('--vault-id <id>', 'label@source (repeatable)', collect, [])
    .option('-J, --ask-vault-pass', 'ask for the vault password')
    .option('--output <file>', 'write to FILE instead (- for stdout)')
    .option('--encrypt-vault-id <label>', 'which vault id to encrypt with')
    .addOption(new Option('-n, --name <name>', 'variable name for encrypt_string (repeatable)').argParser(collect).default([]))
    .option('--stdin-name <name>', 'encrypt_string: read the value from stdin and name it')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  cmd.parse([...argv], { from: 'user' });
  const o = cmd.opts<{
    vaultPasswordFile: string[];
    vaultId: string[];
    askVaultPass?: boolean;
    output?: string;
    encryptVaultId?: string;
    name: string[];
    stdinName?: string;
  }>();
  const [action, ...args] = cmd.args as [VaultAction, ...string[]];
  return runVaultCommand(
    {
      action,
      args,
      vaultPasswordFiles: o.vaultPasswordFile,
      vaultIds: o.vaultId,
      askVaultPass: Boolean(o.askVaultPass),
      names: o.name,
      ...(o.output !== undefined ? { output: o.output } : {}),
      ...(o.encryptVaultId !== undefined ? { encryptVaultId: o.encryptVaultId } : {}),
      ...(o.stdinName !== undefined ? { stdinName: o.stdinName } : {}),
    },
    { stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, env: io.env },
  );
}
