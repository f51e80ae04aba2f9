import { describe, expect, it, vi } from 'vitest';
import { bothPasswords, secretsOf, DEFAULT_PASSWORD } from './helpers.js';

const derived = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../src/engine/vault/aes256.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/engine/vault/aes256.js')>();
  return {
    ...real,
    deriveKeys: (password: Buffer, salt: Buffer) => {
      derived.count++;
      return real.deriveKeys(password, salt);
    },
  };
});

describe('derived keys are cached per (password, salt) within one VaultSecrets', () => {
  it('decrypting the same salt again does not rerun PBKDF2', () => {
    const salt = Buffer.alloc(32, 7);
    const secrets = secretsOf(['default', DEFAULT_PASSWORD]);
    const texts = ['a', 'b', 'c'].map((v) => secrets.encrypt(v, undefined, salt));
    derived.count = 0;
    const other = secretsOf(['default', DEFAULT_PASSWORD]);
    for (const t of texts) other.decrypt(t, { file: 'f' });
    expect(derived.count).toBe(1);
    // a new instance has its own cache
    secretsOf(['default', DEFAULT_PASSWORD]).decrypt(texts[0] as string, { file: 'f' });
    expect(derived.count).toBe(2);
  });

  it('each password derives once per salt', () => {
    const salt = Buffer.alloc(32, 9);
    const text = secretsOf(['dev', 'dev-password-42']).encrypt('v', undefined, salt);
    const secrets = bothPasswords(); // the 'dev' password is tried first and matches
    derived.count = 0;
    secrets.decrypt(text, { file: 'f' });
    secrets.decrypt(text, { file: 'f' });
    expect(derived.count).toBe(1);
  });
});
