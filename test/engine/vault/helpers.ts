/** Shared test helpers for vault tests: fixtures, passwords, and a check that no plaintext leaks. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { expect } from 'vitest';
import { VaultSecrets } from '../../../src/engine/vault/vault-secrets.js';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/vault');
export const fixture = (name: string): string => join(FIXTURES, name);

export const DEFAULT_PASSWORD = 'correct horse battery staple';
export const DEV_PASSWORD = 'dev-password-42';

export function secretsOf(...passwords: [label: string, password: string][]): VaultSecrets {
  return new VaultSecrets(passwords.map(([label, password]) => ({ label, password, source: `test:${label}` })));
}

export const bothPasswords = (): VaultSecrets => secretsOf(['default', DEFAULT_PASSWORD], ['dev', DEV_PASSWORD]);

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tsplay-vault-test-'));
}

export const hasAnsibleVault = ((): boolean => {
  try {
    execFileSync('ansible-vault', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Every way an error can be shown: none may contain any of the clear texts. */
export function expectNoLeak(err: unknown, ...clearTexts: string[]): void {
  const shown = [
    String(err),
    inspect(err, { depth: 5 }),
    JSON.stringify(err),
    err instanceof Error ? (err.stack ?? '') : '',
    typeof (err as { format?: unknown }).format === 'function' ? (err as { format: () => string }).format() : '',
  ].join('\n');
  for (const t of clearTexts) expect(shown).not.toContain(t);
}

/** Runs fn, expecting it to throw; returns what was thrown. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error to be thrown');
}
