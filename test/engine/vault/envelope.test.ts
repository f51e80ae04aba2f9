import { describe, expect, it } from 'vitest';
import { VaultError } from '../../../src/engine/errors.js';
import { formatEnvelope, isVaultText, parseEnvelope } from '../../../src/engine/vault/envelope.js';

const where = { file: 'x.yml' };

describe('vault envelope', () => {
  it.each([
    { label: undefined, header: '$ANSIBLE_VAULT;1.1;AES256' },
    { label: 'default', header: '$ANSIBLE_VAULT;1.1;AES256' },
    { label: 'prod', header: '$ANSIBLE_VAULT;1.2;AES256;prod' },
  ])('writes header $header for label $label, wraps at 80, ends in a newline', ({ label, header }) => {
    const hex = 'ab'.repeat(100); // 200 chars → 80 + 80 + 40
    const text = formatEnvelope(hex, label);
    const lines = text.split('\n');
    expect(lines[0]).toBe(header);
    expect(lines.slice(1, -1).map((l) => l.length)).toEqual([80, 80, 40]);
    expect(text.endsWith('\n')).toBe(true);
    const parsed = parseEnvelope(text, where);
    expect(parsed.payloadHex).toBe(hex);
    expect(parsed.label).toBe(label === 'default' ? undefined : label);
  });

  it.each([
    { text: 'not vault\n', message: /header/ },
    { text: '$ANSIBLE_VAULT;1.1\nabcd\n', message: /header/ },
    { text: '$ANSIBLE_VAULT;1.1;AES\nabcd\n', message: /unsupported vault cipher 'AES'/ },
  ])('rejects $text', ({ text, message }) => {
    expect(() => parseEnvelope(text, where)).toThrow(VaultError);
    expect(() => parseEnvelope(text, where)).toThrow(message);
  });

  it.each([
    { data: '$ANSIBLE_VAULT;1.1;AES256\n00', expected: true },
    { data: Buffer.from('$ANSIBLE_VAULT;1.2;AES256;x\n'), expected: true },
    { data: ' $ANSIBLE_VAULT;1.1;AES256', expected: false },
    { data: 'key: value', expected: false },
    { data: Buffer.from([0xff, 0x00, 0x01]), expected: false },
  ])('isVaultText($data) is $expected', ({ data, expected }) => {
    expect(isVaultText(data)).toBe(expected);
  });
});
