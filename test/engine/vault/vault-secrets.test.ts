import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VaultError } from '../../../src/engine/errors.js';
import { parseEnvelope } from '../../../src/engine/vault/envelope.js';
import { bothPasswords, DEFAULT_PASSWORD, DEV_PASSWORD, expectNoLeak, fixture, secretsOf, thrown } from './helpers.js';

const where = { file: 'secret.txt' };

describe('VaultSecrets round trip', () => {
  it.each([
    { name: 'empty', data: Buffer.alloc(0) },
    { name: 'one block exactly', data: Buffer.from('0123456789abcdef') },
    { name: 'text', data: Buffer.from('db_password: hunter2-and-more\n') },
    { name: 'unicode', data: Buffer.from('pässwörd: 秘密の値 🔐\n', 'utf8') },
    { name: 'binary', data: Buffer.from(Array.from({ length: 777 }, (_, i) => (i * 37 + 11) % 256)) },
  ])('$name', ({ data }) => {
    const secrets = secretsOf(['default', DEFAULT_PASSWORD]);
    const text = secrets.encrypt(data);
    expect(text.startsWith('$ANSIBLE_VAULT;1.1;AES256\n')).toBe(true);
    for (const line of text.trimEnd().split('\n').slice(1)) expect(line.length).toBeLessThanOrEqual(80);
    expect(secrets.decrypt(text, where).plaintext.equals(data)).toBe(true);
  });

  it('writes format 1.2 with the label when encrypting with a vault id', () => {
    const text = bothPasswords().encrypt('x', 'dev');
    expect(text.split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;dev');
    expect(secretsOf(['dev', DEV_PASSWORD]).decrypt(text, where).label).toBe('dev');
  });

  it('uses a fresh salt each time', () => {
    const secrets = secretsOf(['default', DEFAULT_PASSWORD]);
    expect(secrets.encrypt('same')).not.toBe(secrets.encrypt('same'));
  });
});

describe('VaultSecrets decryption of ansible-vault files', () => {
  it.each([
    { file: 'group_vars-vaulted.yml', label: 'default', expected: readFileSync(fixture('group_vars.plain.yml'), 'utf8') },
    { file: 'labelled.txt', label: 'dev', expected: 'hello from ansible 1.2\n' },
  ])('$file decrypts with label $label', ({ file, label, expected }) => {
    const result = bothPasswords().decrypt(readFileSync(fixture(file), 'utf8'), { file });
    expect(result.plaintext.toString('utf8')).toBe(expected);
    expect(result.label).toBe(label);
  });

  it('tries the other passwords when the labelled one does not match', () => {
    // labelled 'dev' in the header but the 'dev' password given here is wrong; 'other' is right
    const secrets = secretsOf(['dev', 'not-it'], ['other', DEV_PASSWORD]);
    const result = secrets.decrypt(readFileSync(fixture('labelled.txt'), 'utf8'), where);
    expect(result.label).toBe('other');
  });
});

describe('VaultSecrets errors never show secrets', () => {
  const plaintext = 'top-secret-plaintext-value';
  const text = secretsOf(['default', DEFAULT_PASSWORD]).encrypt(plaintext);

  it('wrong password: VaultError naming the file, no password or plaintext', () => {
    const err = thrown(() => secretsOf(['default', 'wrong-password-123']).decrypt(text, { file: 'vars.yml', line: 3 }));
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).format()).toMatch(/^vars\.yml:3: decryption failed: wrong vault password/);
    expectNoLeak(err, plaintext, 'wrong-password-123', DEFAULT_PASSWORD);
  });

  it('tampered ciphertext fails the HMAC check', () => {
    const env = parseEnvelope(text, where);
    const inner = Buffer.from(env.payloadHex, 'hex').toString('latin1').split('\n');
    const ct = inner[2] as string;
    inner[2] = (ct[0] === '0' ? '1' : '0') + ct.slice(1);
    const tampered = `$ANSIBLE_VAULT;1.1;AES256\n${Buffer.from(inner.join('\n'), 'latin1').toString('hex')}\n`;
    const err = thrown(() => secretsOf(['default', DEFAULT_PASSWORD]).decrypt(tampered, where));
    expect(err).toBeInstanceOf(VaultError);
    expect((err as Error).message).toContain('HMAC verification failed');
    expectNoLeak(err, plaintext, DEFAULT_PASSWORD);
  });

  it.each([
    { name: 'odd hex', text: '$ANSIBLE_VAULT;1.1;AES256\nabc\n', message: /not valid hexadecimal/ },
    { name: 'two parts', text: `$ANSIBLE_VAULT;1.1;AES256\n${Buffer.from('00\n00').toString('hex')}\n`, message: /salt, HMAC and ciphertext/ },
  ])('malformed payload: $name', ({ text: bad, message }) => {
    expect(() => secretsOf(['default', DEFAULT_PASSWORD]).decrypt(bad, where)).toThrow(message);
  });

  it('no password at all', () => {
    expect(() => secretsOf().decrypt(text, where)).toThrow(/no vault password was given/);
  });

  it('empty password is refused', () => {
    expect(() => secretsOf(['default', ''])).toThrow(VaultError);
  });

  it.each([
    { label: undefined, message: /several vault ids/ },
    { label: 'missing', message: /no vault password with the vault id 'missing'/ },
  ])('encrypting needs an unambiguous label ($label)', ({ label, message }) => {
    expect(() => bothPasswords().encrypt('x', label)).toThrow(message);
  });
});
