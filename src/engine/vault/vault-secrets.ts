/**
 * The vault passwords of one run, each with its label (vault id), and the
 * operations that use them. Derived keys are cached per (password, salt) in
 * this instance only, so a file with many `!vault` values encrypted with the
 * same salt (or the same value loaded twice) runs PBKDF2 once.
 */
import { randomBytes } from 'node:crypto';
import { VaultError, type SourceLocation } from '../errors.js';
import { decryptPayload, deriveKeys, encryptPayload, hmacMatches, parsePayload, SALT_LENGTH, type VaultKeys } from './aes256.js';
import { DEFAULT_VAULT_LABEL, formatEnvelope, parseEnvelope } from './envelope.js';

export interface VaultPasswordInput {
  readonly label: string;
  readonly password: Buffer | string;
  /** Where the password came from (a file path, `prompt`), for messages. Never the password. */
  readonly source: string;
}

export const NO_PASSWORD_HINT = 'pass --vault-password-file FILE, --vault-id LABEL@FILE or --ask-vault-pass';

class VaultPassword {
  readonly label: string;
  readonly source: string;
  readonly #password: Buffer;
  readonly #keysBySalt = new Map<string, VaultKeys>();
  constructor(input: VaultPasswordInput) {
    this.label = input.label;
    this.source = input.source;
    this.#password = Buffer.from(input.password);
  }
  keys(salt: Buffer): VaultKeys {
    const id = salt.toString('hex');
    let keys = this.#keysBySalt.get(id);
    if (!keys) {
      keys = deriveKeys(this.#password, salt);
      this.#keysBySalt.set(id, keys);
    }
    return keys;
  }
}

export interface DecryptResult {
  readonly plaintext: Buffer;
  /** The label of the password that worked. */
  readonly label: string;
}

export class VaultSecrets {
  readonly #passwords: readonly VaultPassword[];

  constructor(passwords: readonly VaultPasswordInput[] = []) {
    for (const p of passwords) {
      if (Buffer.byteLength(p.password) === 0) throw new VaultError(`the vault password from ${p.source} is empty`);
    }
    this.#passwords = passwords.map((p) => new VaultPassword(p));
  }

  get isEmpty(): boolean {
    return this.#passwords.length === 0;
  }

  get labels(): readonly string[] {
    return this.#passwords.map((p) => p.label);
  }

  /** Decrypts vault text; the password labelled like the data is tried first, then all others. */
  decrypt(vaultText: string, where: SourceLocation): DecryptResult {
    if (this.isEmpty) {
      throw new VaultError('found vault-encrypted data but no vault password was given', { location: where, hint: NO_PASSWORD_HINT });
    }
    const envelope = parseEnvelope(vaultText, where);
    const payload = parsePayload(envelope.payloadHex, where);
    for (const password of this.#inTryOrder(envelope.label)) {
      const keys = password.keys(payload.salt);
      if (hmacMatches(payload, keys)) return { plaintext: decryptPayload(payload, keys, where), label: password.label };
    }
    const tried = this.labels.join(', ');
    throw new VaultError(
      `decryption failed: wrong vault password (tried ${this.#passwords.length} password${this.#passwords.length === 1 ? '' : 's'}: ${tried}), or the vault data was modified (HMAC verification failed)`,
      { location: where, hint: envelope.label ? `this data was encrypted with vault id '${envelope.label}'` : undefined },
    );
  }

  /** Encrypts with the password of `label` (or the only password); returns the full envelope text. */
  encrypt(plaintext: Buffer | string, label?: string, salt: Buffer = randomBytes(SALT_LENGTH)): string {
    const password = this.passwordForEncryption(label);
    const payloadHex = encryptPayload(Buffer.from(plaintext), salt, password.keys(salt));
    return formatEnvelope(payloadHex, password.label);
  }

  /** The label encryption will use: the requested one, or the only password's. */
  encryptionLabel(label?: string): string {
    return this.passwordForEncryption(label).label;
  }

  private passwordForEncryption(label: string | undefined): VaultPassword {
    if (this.isEmpty) throw new VaultError('no vault password was given to encrypt with', { hint: NO_PASSWORD_HINT });
    if (label !== undefined) {
      const found = this.#passwords.find((p) => p.label === label);
      if (!found) {
        throw new VaultError(`no vault password with the vault id '${label}' (known: ${this.labels.join(', ')})`, {
          hint: `add --vault-id ${label}@FILE`,
        });
      }
      return found;
    }
    const distinct = new Set(this.labels);
    if (distinct.size > 1) {
      throw new VaultError(`several vault ids are available to encrypt with (${[...distinct].join(', ')})`, {
        hint: 'choose one with --encrypt-vault-id LABEL',
      });
    }
    return this.#passwords[0] as VaultPassword;
  }

  #inTryOrder(label: string | undefined): VaultPassword[] {
    const want = label ?? DEFAULT_VAULT_LABEL;
    const first = this.#passwords.filter((p) => p.label === want);
    return [...first, ...this.#passwords.filter((p) => p.label !== want)];
  }
}
