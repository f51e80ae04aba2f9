/**
 * The `!vault` YAML tag: a scalar holding vault text decrypts, while parsing,
 * to a Secret. Without a password it is an error (reported by the YAML loader
 * at the value's file:line:col).
 */
import type { ScalarTag } from 'yaml';
import { VaultError } from '../errors.js';
import { Secret } from '../secret.js';
import { NO_PASSWORD_HINT, type VaultSecrets } from './vault-secrets.js';

export const VAULT_TAG = '!vault';

export interface VaultTagOptions {
  /** For messages only; the loader adds line and column. */
  readonly file?: string;
  /** Told about each VaultError before the loader turns it into a parse error. */
  readonly onVaultError?: (error: VaultError) => void;
}

export function vaultTags(secrets: VaultSecrets | undefined, opts: VaultTagOptions = {}): ScalarTag[] {
  const tag: ScalarTag = {
    tag: VAULT_TAG,
    identify: () => false,
    resolve(text, onError) {
      try {
        if (!secrets || secrets.isEmpty) {
          throw new VaultError('a !vault value needs a vault password to decrypt', { hint: NO_PASSWORD_HINT });
        }
        const { plaintext } = secrets.decrypt(text, { file: opts.file ?? '<yaml>' });
        // Document#toJS keeps scalar values as they are, so the Secret itself (not its masked toJSON) reaches the result.
        return new Secret(plaintext.toString('utf8'));
      } catch (e) {
        if (!(e instanceof VaultError)) throw e;
        opts.onVaultError?.(e);
        onError(e.message);
        return '';
      }
    },
  };
  return [tag];
}
