import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VaultError } from '../../../src/engine/errors.js';
import { Secret } from '../../../src/engine/secret.js';
import { parseYamlWithVault, readYamlWithVault } from '../../../src/engine/vault/read-yaml.js';
import { vaultTags } from '../../../src/engine/vault/vault-tag.js';
import { locate, parseYaml } from '../../../src/engine/yaml/load.js';
import { bothPasswords, DEFAULT_PASSWORD, expectNoLeak, fixture, secretsOf, tempDir, thrown } from './helpers.js';

type Vars = Record<string, unknown>;
const revealed = (v: unknown): string => {
  expect(v).toBeInstanceOf(Secret);
  return (v as Secret).reveal();
};

describe('!vault values (mixed.yml, written by ansible-vault encrypt_string)', () => {
  const file = fixture('mixed.yml');

  it('decrypt to Secrets; plain values and positions stay as they are', () => {
    const vars = readYamlWithVault(bothPasswords())(file) as Vars;
    expect(revealed(vars.db_password)).toBe('plain-db-secret');
    expect(revealed(vars.api_key)).toBe('dev-api-key-xyz'); // format 1.2, label dev
    expect(vars.app_name).toBe('demo');
    expect(vars.app_port).toBe(8080);
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const key of ['app_name', 'db_password', 'app_port', 'api_key', 'after']) {
      const at = locate(vars, key);
      expect(at?.file).toBe(file);
      expect(lines[(at?.line ?? 0) - 1]?.startsWith(`${key}:`)).toBe(true);
    }
  });

  it('work with parseYaml and vaultTags directly', () => {
    const vars = parseYaml(readFileSync(file, 'utf8'), file, { customTags: vaultTags(bothPasswords()) }) as Vars;
    expect(revealed(vars.db_password)).toBe('plain-db-secret');
  });

  it.each([
    { name: 'no password', secrets: undefined, message: /needs a vault password/, hint: /--vault-password-file/ },
    { name: 'empty secrets', secrets: secretsOf(), message: /needs a vault password/, hint: /--vault-password-file/ },
    { name: 'wrong password', secrets: secretsOf(['default', 'nope-nope']), message: /wrong vault password/, hint: undefined },
  ])('$name: VaultError at file:line of the value, no plaintext', ({ secrets, message, hint }) => {
    const err = thrown(() => readYamlWithVault(secrets)(file));
    expect(err).toBeInstanceOf(VaultError);
    const e = err as VaultError;
    expect(e.message).toMatch(message);
    if (hint) expect(e.hint).toMatch(hint);
    expect(e.location).toMatchObject({ file, line: 3 });
    expect(e.format()).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: `));
    expectNoLeak(err, 'plain-db-secret', 'dev-api-key-xyz', DEFAULT_PASSWORD);
  });

  it('a tampered !vault value reports its own line', () => {
    const text = readFileSync(file, 'utf8').split('\n');
    const i = text.findIndex((l) => l.includes('$ANSIBLE_VAULT;1.2'));
    const target = text[i + 1] as string;
    text[i + 1] = target.replace(/^(\s+)3/, '$14'); // corrupts the payload's first byte
    const err = thrown(() => parseYamlWithVault(text.join('\n'), 'edited.yml', bothPasswords()));
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).location).toMatchObject({ file: 'edited.yml', line: i });
  });
});

describe('whole-file vault (group_vars encrypted by ansible-vault)', () => {
  const file = fixture('group_vars-vaulted.yml');

  it('every string becomes a Secret; other scalars and positions kept', () => {
    const vars = readYamlWithVault(bothPasswords())(file) as Vars & { nested: { list: unknown[] } };
    expect(revealed(vars.db_password)).toBe('s3cr3t-db-pass');
    expect(revealed(vars.api_token)).toBe('tok-987654');
    expect(revealed(vars.nested.list[0])).toBe('item-secret-one');
    expect(vars.port).toBe(5432);
    expect(locate(vars, 'port')).toEqual({ file, line: 3, column: 1 });
    expect(locate(vars.nested, 'list')).toEqual({ file, line: 5, column: 3 });
    expect(JSON.stringify(vars)).not.toContain('s3cr3t');
  });

  it.each([
    { name: 'no password', secrets: undefined, message: /vault-encrypted but no vault password/ },
    { name: 'wrong password', secrets: secretsOf(['default', 'nope-nope']), message: /wrong vault password/ },
  ])('$name: VaultError naming the file', ({ secrets, message }) => {
    const err = thrown(() => readYamlWithVault(secrets)(file));
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).message).toMatch(message);
    expect((err as VaultError).location?.file).toBe(file);
    expectNoLeak(err, 's3cr3t-db-pass', 'tok-987654');
  });

  it('a vaulted file whose content has a YAML error reports it at the decrypted position', () => {
    const dir = tempDir();
    const vaulted = join(dir, 'broken.yml');
    writeFileSync(vaulted, secretsOf(['default', DEFAULT_PASSWORD]).encrypt('a: 1\na: 2\n'));
    const err = thrown(() => readYamlWithVault(secretsOf(['default', DEFAULT_PASSWORD]))(vaulted));
    expect((err as VaultError).location).toMatchObject({ file: vaulted, line: 2 });
  });
});

describe('readYamlWithVault on plain files', () => {
  it('reads them like loadYamlFile, with no password needed', () => {
    const vars = readYamlWithVault(undefined)(fixture('group_vars.plain.yml')) as Vars;
    expect(vars.db_password).toBe('s3cr3t-db-pass');
  });
  it('missing file is a parse error naming it', () => {
    expect(() => readYamlWithVault(undefined)(fixture('missing.yml'))).toThrow(/cannot read .*missing\.yml/);
  });
});
