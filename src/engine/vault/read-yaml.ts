/**
 * Reading YAML that may hold vault data: a whole-file vault is decrypted first
 * and every string in it becomes a Secret (values from vault are masked
 * everywhere; its numbers keep their type and are masked by their text);
 * `!vault` values become Secrets. Positions are kept (for a
 * whole-file vault they are positions in the decrypted text).
 */
import { readFileSync } from 'node:fs';
import { ParseError, VaultError } from '../errors.js';
import { Secret } from '../secret.js';
import { parseYaml, type YamlLoadOptions } from '../yaml/load.js';
import { isVaultText } from './envelope.js';
import { vaultTags } from './vault-tag.js';
import { NO_PASSWORD_HINT, type VaultSecrets } from './vault-secrets.js';

export type VaultYamlOptions = Omit<YamlLoadOptions, 'customTags'>;

/** A file reader for the engine (inventory, playbooks, vars_files). */
export function readYamlWithVault(secrets: VaultSecrets | undefined, opts: VaultYamlOptions = {}): (file: string) => unknown {
  return (file) => {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (e) {
      throw new ParseError('E_FILE_NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
        location: { file },
      });
    }
    return parseYamlWithVault(data.toString('utf8'), file, secrets, opts);
  };
}

export function parseYamlWithVault(text: string, file: string, secrets: VaultSecrets | undefined, opts: VaultYamlOptions = {}): unknown {
  if (!isVaultText(text)) return parseWithTags(text, file, secrets, opts);
  if (!secrets || secrets.isEmpty) {
    // Let VaultSecrets say it, with its hint.
    throw vaultErrorWithoutPassword(file);
  }
  const plaintext = secrets.decrypt(text, { file }).plaintext.toString('utf8');
  const data = secretStrings(parseWithTags(plaintext, file, secrets, opts));
  // numbers keep their type (a port, a count), so they cannot become Secrets; the reader
  // hands their text to the redactor instead (see vaultedNumbers)
  const numbers = collectNumbers(data);
  if (numbers.length && data !== null && typeof data === 'object') Object.defineProperty(data, VAULTED_NUMBERS, { value: numbers, enumerable: false });
  return data;
}

const VAULTED_NUMBERS = Symbol('tsplay.vaultedNumbers');

/** The numbers of a whole-file vault (their text is masked in output like any vault value). */
export function vaultedNumbers(data: unknown): readonly number[] {
  return data !== null && typeof data === 'object' ? ((data as { [VAULTED_NUMBERS]?: number[] })[VAULTED_NUMBERS] ?? []) : [];
}

function collectNumbers(value: unknown, out: number[] = [], seen = new Set<object>()): number[] {
  if (typeof value === 'number') out.push(value);
  else if (value !== null && typeof value === 'object' && !(value instanceof Secret) && !seen.has(value)) {
    seen.add(value);
    for (const v of Object.values(value)) collectNumbers(v, out, seen);
  }
  return out;
}

function parseWithTags(text: string, file: string, secrets: VaultSecrets | undefined, opts: VaultYamlOptions): unknown {
  const vaultErrors: VaultError[] = [];
  try {
    return parseYaml(text, file, { ...opts, customTags: vaultTags(secrets, { file, onVaultError: (e) => vaultErrors.push(e) }) });
  } catch (e) {
    const cause = e instanceof ParseError ? vaultErrors.find((v) => v.message === e.message) : undefined;
    if (!cause || !(e instanceof ParseError)) throw e;
    throw new VaultError(cause.message, { location: e.location, hint: cause.hint });
  }
}

function vaultErrorWithoutPassword(file: string): VaultError {
  return new VaultError('this file is vault-encrypted but no vault password was given', {
    location: { file },
    hint: NO_PASSWORD_HINT,
  });
}

/** Replaces, in place, every string leaf by a Secret; objects keep their hidden positions. */
export function secretStrings(value: unknown, seen = new Set<object>()): unknown {
  if (typeof value === 'string') return new Secret(value);
  if (value === null || typeof value !== 'object' || value instanceof Secret || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      value[i] = secretStrings(v, seen);
    });
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = secretStrings(record[key], seen);
  return value;
}
