/**
 * Builds the VaultSecrets of a run from the command-line options, as Ansible:
 * `--vault-id label@source` (several; source a file, a script or `prompt`),
 * `--vault-password-file FILE` and `--ask-vault-pass` (label 'default'). With
 * none of them, TSPLAY_VAULT_PASSWORD_FILE or ANSIBLE_VAULT_PASSWORD_FILE.
 */
import { OptionsError } from '../errors.js';
import { DEFAULT_VAULT_LABEL } from './envelope.js';
import { readVaultPasswordFile } from './password-file.js';
import { askVaultPassword, type PromptReader } from './prompt.js';
import { VaultSecrets, type VaultPasswordInput } from './vault-secrets.js';

/** Command-line options, passed on as given: `undefined` is a flag that was not given. */
export interface VaultPasswordOptions {
  readonly vaultPasswordFiles?: readonly string[] | undefined;
  /** `label@file`, `label@prompt`, `@prompt` or a bare `file`. */
  readonly vaultIds?: readonly string[] | undefined;
  readonly askVaultPass?: boolean | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Needed for `--ask-vault-pass` and `@prompt`; `undefined`: no terminal to ask on. */
  readonly prompt?: PromptReader | undefined;
  /** Prompted passwords are for new vault data: ask twice. */
  readonly confirmPrompted?: boolean;
}

export interface VaultIdSpec {
  readonly label: string;
  /** A file path, or 'prompt'. */
  readonly source: string;
}

export const PASSWORD_FILE_ENV = ['TSPLAY_VAULT_PASSWORD_FILE', 'ANSIBLE_VAULT_PASSWORD_FILE'] as const;

export function parseVaultId(spec: string): VaultIdSpec {
  const at = spec.indexOf('@');
  if (at < 0) return { label: DEFAULT_VAULT_LABEL, source: spec };
  const label = spec.slice(0, at) || DEFAULT_VAULT_LABEL;
  const source = spec.slice(at + 1);
  if (source === '') throw new OptionsError(`--vault-id '${spec}' names no password source`, { hint: 'use --vault-id LABEL@FILE or LABEL@prompt' });
  return { label, source };
}

/** The vault ids the options ask for, in order, before any password is read. */
export function vaultIdSpecs(opts: VaultPasswordOptions): VaultIdSpec[] {
  const specs = (opts.vaultIds ?? []).map(parseVaultId);
  if (opts.askVaultPass) specs.push({ label: DEFAULT_VAULT_LABEL, source: 'prompt' });
  for (const file of opts.vaultPasswordFiles ?? []) specs.push({ label: DEFAULT_VAULT_LABEL, source: file });
  if (specs.length === 0) {
    const env = opts.env ?? {};
    const fromEnv = PASSWORD_FILE_ENV.map((name) => env[name]).find((v) => v !== undefined && v !== '');
    if (fromEnv) specs.push({ label: DEFAULT_VAULT_LABEL, source: fromEnv });
  }
  return specs;
}

export async function loadVaultSecrets(opts: VaultPasswordOptions): Promise<VaultSecrets> {
  const passwords: VaultPasswordInput[] = [];
  for (const spec of vaultIdSpecs(opts)) {
    passwords.push({ label: spec.label, source: spec.source, password: await readSpec(spec, opts) });
  }
  return new VaultSecrets(passwords);
}

async function readSpec(spec: VaultIdSpec, opts: VaultPasswordOptions): Promise<Buffer> {
  if (spec.source !== 'prompt') return readVaultPasswordFile(spec.source, spec.label);
  if (!opts.prompt) throw new OptionsError('cannot ask for the vault password: no terminal to read from');
  return askVaultPassword(opts.prompt, { label: spec.label, confirm: opts.confirmPrompted === true });
}
