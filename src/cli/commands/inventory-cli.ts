/** `tsplay inventory -i INV (--list | --graph [GROUP] | --host NAME)`: flags as ansible-inventory's. */
import { Command } from 'commander';
import { loadVaultSecrets, readYamlWithVault } from '../../engine/vault/index.js';
import { runInventoryCommand } from './inventory.js';
import type { RunIO } from '../../engine/run/run-io.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export async function inventoryCli(argv: readonly string[], io: RunIO): Promise<number> {
  const cmd = new Command('tsplay inventory')
    .description('Show an inventory as ansible-inventory does (same JSON for --list)')
    .option('-i, --inventory <path>', 'inventory file or directory (repeatable)', collect, [])
    .option('--list', 'all groups and hosts with merged variables, as JSON')
    .option('--graph [group]', 'the group tree (from GROUP, default all)')
    .option('--host <name>', 'one host\'s merged variables, as JSON')
    .option('--playbook-dir <dir>', 'also read group_vars/ and host_vars/ beside this playbook directory')
    .option('--vault-password-file <file>', 'vault password file (repeatable)', collect, [])
    .option('--vault-id <id>', 'label@source (repeatable)', collect, [])
    .option('-J, --ask-vault-pass', 'ask for the vault password')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  cmd.parse([...argv], { from: 'user' });
  const o = cmd.opts<{
    inventory: string[];
    list?: boolean;
    graph?: string | true;
    host?: string;
    playbookDir?: string;
    vaultPasswordFile: string[];
    vaultId: string[];
    askVaultPass?: boolean;
  }>();
  const secrets = await loadVaultSecrets({
    vaultPasswordFiles: o.vaultPasswordFile,
    vaultIds: o.vaultId,
    askVaultPass: Boolean(o.askVaultPass),
    env: io.env,
  });
  return runInventoryCommand(
    {
      sources: o.inventory,
      list: Boolean(o.list) || (o.graph === undefined && o.host === undefined),
      ...(o.graph !== undefined ? { graph: o.graph } : {}),
      ...(o.host !== undefined ? { host: o.host } : {}),
      extraVarsDirs: [process.cwd(), ...(o.playbookDir ? [o.playbookDir] : [])],
      readYaml: readYamlWithVault(secrets.isEmpty ? undefined : secrets),
    },
    (text) => io.stdout.write(text),
    (text) => io.stderr.write(text),
  );
}
