/** Both directions against Debian's ansible-vault (skipped where it is not installed). */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEncryptedString } from '../../../src/engine/vault/encrypt-string.js';
import { readYamlWithVault } from '../../../src/engine/vault/read-yaml.js';
import { Secret } from '../../../src/engine/secret.js';
import { bothPasswords, DEFAULT_PASSWORD, DEV_PASSWORD, fixture, hasAnsibleVault, secretsOf, tempDir } from './helpers.js';

const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: tempDir(), ANSIBLE_HOME: tempDir() };
const ansibleVault = (args: string[], input?: Buffer | string): Buffer =>
  execFileSync('ansible-vault', args, { env, input, stdio: ['pipe', 'pipe', 'pipe'] });
const passwordFile = fixture('password.txt');
const devId = `dev@${fixture('dev-password.txt')}`;

const contents = [
  { name: 'empty', data: Buffer.alloc(0) },
  { name: 'text', data: Buffer.from('key: value\nother: 1\n') },
  { name: 'unicode', data: Buffer.from('名前: Ünïcödé ✓ 🔑\n', 'utf8') },
  { name: 'binary', data: Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 131 + 7) % 256)) },
];

describe.skipIf(!hasAnsibleVault)('files encrypted by ansible-vault decrypt in tsplay', () => {
  it.each(contents.flatMap((c) => [
    { ...c, idArgs: ['--vault-password-file', passwordFile], header: '$ANSIBLE_VAULT;1.1;AES256' },
    { ...c, idArgs: ['--vault-id', devId, '--encrypt-vault-id', 'dev'], header: '$ANSIBLE_VAULT;1.2;AES256;dev' },
  ]))('$name with $header', ({ data, idArgs, header }) => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, data);
    ansibleVault(['encrypt', ...idArgs, file]);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe(header);
    expect(bothPasswords().decrypt(text, { file }).plaintext.equals(data)).toBe(true);
  });

  it('encrypt_string values (1.1 and 1.2) load through readYamlWithVault', () => {
    const one = ansibleVault(['encrypt_string', '--vault-password-file', passwordFile, '--name', 'a', 'value-a']).toString();
    const two = ansibleVault(['encrypt_string', '--vault-id', devId, '--encrypt-vault-id', 'dev', '--name', 'b', 'välue-b']).toString();
    const file = join(tempDir(), 'vars.yml');
    writeFileSync(file, `${one}\nplain: yes\n${two}\n`);
    const vars = readYamlWithVault(bothPasswords())(file) as Record<string, Secret>;
    expect(vars.a?.reveal()).toBe('value-a');
    expect(vars.b?.reveal()).toBe('välue-b');
  });
});

describe.skipIf(!hasAnsibleVault)('files encrypted by tsplay decrypt with ansible-vault', () => {
  it.each(contents.flatMap((c) => [
    { ...c, label: undefined, idArgs: ['--vault-password-file', passwordFile] },
    { ...c, label: 'dev', idArgs: ['--vault-id', devId] },
  ]))('$name, label $label: decrypt (and view, for text)', ({ name, data, label, idArgs }) => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, bothPasswords().encrypt(data, label ?? 'default'));
    // view shows text through a pager, so it is byte-exact only for text
    if (name === 'text' || name === 'unicode') expect(ansibleVault(['view', ...idArgs, file]).toString('utf8')).toBe(data.toString('utf8'));
    ansibleVault(['decrypt', ...idArgs, file]);
    expect(readFileSync(file).equals(data)).toBe(true);
  });

  it('ansible-vault refuses a tsplay file with the wrong password', () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, secretsOf(['default', DEV_PASSWORD]).encrypt('x'));
    expect(() => ansibleVault(['view', '--vault-password-file', passwordFile, file])).toThrow(/Decryption failed/);
  });

  it('our encrypt_string block, extracted, decrypts with ansible-vault', () => {
    const block = formatEncryptedString(secretsOf(['default', DEFAULT_PASSWORD]).encrypt('extract-me'), 'token');
    const envelope = block
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .join('\n');
    expect(ansibleVault(['decrypt', '--vault-password-file', passwordFile, '--output', '-'], `${envelope}\n`).toString()).toBe('extract-me');
  });
});

const hasAnsible = hasAnsibleVault && (() => {
  try {
    execFileSync('ansible', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasAnsible)('ansible itself accepts tsplay vault data', () => {
  it('a vars file with a tsplay !vault value and a tsplay-vaulted vars file', () => {
    const dir = tempDir();
    const secrets = secretsOf(['default', DEFAULT_PASSWORD]);
    writeFileSync(join(dir, 'inline.yml'), `${formatEncryptedString(secrets.encrypt('inline-value'), 'inline_var')}\n`);
    writeFileSync(join(dir, 'whole.yml'), secrets.encrypt('whole_var: whole-value\n'));
    const run = (v: string, file: string) =>
      execFileSync(
        'ansible',
        ['localhost', '-c', 'local', '-i', 'localhost,', '-m', 'debug', '-a', `var=${v}`, '-e', `@${join(dir, file)}`, '--vault-password-file', passwordFile],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      ).toString();
    expect(run('inline_var', 'inline.yml')).toContain('"inline_var": "inline-value"');
    expect(run('whole_var', 'whole.yml')).toContain('"whole_var": "whole-value"');
  });
});
