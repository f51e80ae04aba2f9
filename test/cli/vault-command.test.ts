import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, chmodSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runVaultCommand, type VaultCommandArgs, type VaultCommandIO } from '../../src/cli/commands/vault.js';
import { bothPasswords, DEFAULT_PASSWORD, fixture, hasAnsibleVault, secretsOf, tempDir } from '../engine/vault/helpers.js';

const passwordFile = fixture('password.txt');
const devId = `dev@${fixture('dev-password.txt')}`;

interface Captured {
  io: VaultCommandIO;
  stdout: () => Buffer;
  stderr: () => string;
}

function capture(stdinText?: string, extra: Partial<VaultCommandIO> = {}): Captured {
  const stdin = new PassThrough();
  stdin.end(stdinText ?? '');
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  return {
    io: { stdin, stdout, stderr, env: {}, ...extra },
    stdout: () => Buffer.concat(out),
    stderr: () => Buffer.concat(err).toString(),
  };
}

const run = async (args: VaultCommandArgs, stdinText?: string, extra?: Partial<VaultCommandIO>) => {
  const c = capture(stdinText, extra);
  const code = await runVaultCommand(args, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
};

describe('vault encrypt / decrypt / view', () => {
  it('encrypts a file in place atomically keeping its mode, then decrypts it back', async () => {
    const file = join(tempDir(), 'vars.yml');
    writeFileSync(file, 'password: enc-dec-secret\n');
    chmodSync(file, 0o640);
    const enc = await run({ action: 'encrypt', args: [file], vaultPasswordFiles: [passwordFile] });
    expect(enc.code).toBe(0);
    expect(enc.stderr).toBe('Encryption successful\n');
    expect(readFileSync(file, 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dirname(file))).toEqual(['vars.yml']); // no temp file left
    const view = await run({ action: 'view', args: [file], vaultPasswordFiles: [passwordFile] });
    expect(view.stdout.toString()).toBe('password: enc-dec-secret\n');
    const dec = await run({ action: 'decrypt', args: [file], vaultPasswordFiles: [passwordFile] });
    expect(dec.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('password: enc-dec-secret\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('--vault-id with --encrypt-vault-id writes format 1.2; --output - writes stdout', async () => {
    const file = join(tempDir(), 'plain.txt');
    writeFileSync(file, 'labelled\n');
    const r = await run({ action: 'encrypt', args: [file], vaultIds: [devId, passwordFile], encryptVaultId: 'dev', output: '-' });
    expect(r.code).toBe(0);
    expect(r.stdout.toString().split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;dev');
    expect(readFileSync(file, 'utf8')).toBe('labelled\n'); // the input is untouched
  });

  it('reads stdin and writes stdout when no file is given', async () => {
    const enc = await run({ action: 'encrypt', args: [], vaultPasswordFiles: [passwordFile] }, 'from-stdin\n');
    const dec = await run({ action: 'decrypt', args: [], vaultPasswordFiles: [passwordFile] }, enc.stdout.toString());
    expect(dec.stdout.toString()).toBe('from-stdin\n');
  });

  it('--output FILE leaves the input as it is and creates a private file', async () => {
    const dir = tempDir();
    const out = join(dir, 'out.txt');
    const r = await run({ action: 'decrypt', args: [fixture('labelled.txt')], vaultIds: [devId], output: out });
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('hello from ansible 1.2\n');
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it.each([
    { name: 'wrong password', args: { action: 'view', args: [fixture('group_vars-vaulted.yml')], vaultIds: [devId] }, code: 1, message: /group_vars-vaulted\.yml: decryption failed: wrong vault password/ },
    { name: 'not encrypted', args: { action: 'decrypt', args: [fixture('group_vars.plain.yml')], vaultPasswordFiles: [passwordFile] }, code: 1, message: /is not a vault encrypted file/ },
    { name: 'already encrypted', args: { action: 'encrypt', args: [fixture('labelled.txt')], vaultPasswordFiles: [passwordFile], output: '-' }, code: 1, message: /already encrypted/ },
    { name: 'no password', args: { action: 'view', args: [fixture('labelled.txt')] }, code: 1, message: /vault password is needed/ },
    { name: 'two files with --output', args: { action: 'decrypt', args: ['a', 'b'], vaultPasswordFiles: [passwordFile], output: '-' }, code: 5, message: /at most one input file/ },
    { name: 'ambiguous encrypt id', args: { action: 'encrypt', args: [], vaultIds: [devId, passwordFile] }, code: 1, message: /--encrypt-vault-id/ },
  ] as { name: string; args: VaultCommandArgs; code: number; message: RegExp }[])('$name: exit $code with a message', async ({ args, code, message }) => {
    const r = await run(args, 'stdin-data\n');
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(/^ERROR! /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr + r.stdout.toString()).not.toContain('s3cr3t-db-pass');
    expect(r.stderr).not.toContain(DEFAULT_PASSWORD);
  });

  it('prompts (with confirmation) when no password source is given', async () => {
    const asked: string[] = [];
    const prompt = async (q: string) => (asked.push(q), 'prompted-pw');
    const r = await run({ action: 'encrypt', args: [], output: '-' }, 'x', { prompt });
    expect(r.code).toBe(0);
    expect(asked).toEqual(['New vault password: ', 'Confirm new vault password: ']);
    expect(secretsOf(['default', 'prompted-pw']).decrypt(r.stdout.toString(), { file: '-' }).plaintext.toString()).toBe('x');
  });
});

describe('vault encrypt_string', () => {
  it('prints NAME: !vault | and the block indented by 10, without a final newline', async () => {
    const r = await run({ action: 'encrypt_string', args: ['string-secret'], names: ['db_password'], vaultPasswordFiles: [passwordFile] });
    expect(r.code).toBe(0);
    const text = r.stdout.toString();
    expect(text).not.toContain('string-secret');
    const lines = text.split('\n');
    expect(lines[0]).toBe('db_password: !vault |');
    expect(lines[1]).toBe('          $ANSIBLE_VAULT;1.1;AES256');
    for (const l of lines.slice(2)) expect(l).toMatch(/^ {10}[0-9a-f]{1,80}$/);
    expect(text.endsWith('\n')).toBe(false);
  });

  it.each([
    { name: 'stdin with --stdin-name', args: { args: [], stdinName: 'from_stdin' }, stdin: 'piped-secret', expected: { from_stdin: 'piped-secret' } },
    { name: 'several names', args: { args: ['one-secret', 'two-secret'], names: ['first', 'second'] }, stdin: '', expected: { first: 'one-secret', second: 'two-secret' } },
  ])('$name loads back as YAML', async ({ args, stdin, expected }) => {
    const r = await run({ action: 'encrypt_string', vaultPasswordFiles: [passwordFile], ...args }, stdin);
    expect(r.code).toBe(0);
    const { parseYamlWithVault } = await import('../../src/engine/vault/read-yaml.js');
    const vars = parseYamlWithVault(r.stdout.toString(), 'out.yml', bothPasswords()) as Record<string, { reveal(): string }>;
    expect(Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.reveal()]))).toEqual(expected);
  });

  it('refuses empty stdin', async () => {
    const r = await run({ action: 'encrypt_string', args: [], vaultPasswordFiles: [passwordFile] }, '');
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/stdin was empty/);
  });

  it.skipIf(!hasAnsibleVault)('output has the same shape as ansible-vault encrypt_string and decrypts with it', async () => {
    const r = await run({ action: 'encrypt_string', args: ['same-shape'], names: ['v'], vaultPasswordFiles: [passwordFile] });
    const theirs = execFileSync('ansible-vault', ['encrypt_string', '--vault-password-file', passwordFile, '--name', 'v', 'same-shape']).toString();
    const shape = (t: string) => t.replace(/[0-9a-f]/g, 'h');
    expect(shape(r.stdout.toString())).toBe(shape(theirs));
    const envelope = r.stdout.toString().split('\n').slice(1).map((l) => l.trim()).join('\n');
    const plain = execFileSync('ansible-vault', ['decrypt', '--vault-password-file', passwordFile, '--output', '-'], { input: `${envelope}\n` }).toString();
    expect(plain).toBe('same-shape');
  });
});

describe('vault edit', () => {
  const setup = () => {
    const file = join(tempDir(), 'edit.yml');
    writeFileSync(file, secretsOf(['dev', 'dev-password-42']).encrypt('before: edit-secret\n', 'dev'));
    chmodSync(file, 0o644);
    return file;
  };

  it('re-encrypts with the same vault id when changed; the plaintext temp file is private and removed', async () => {
    const file = setup();
    let seen: { path: string; mode: number; dirMode: number; content: string } | undefined;
    const editor = async (path: string) => {
      seen = { path, mode: statSync(path).mode & 0o777, dirMode: statSync(dirname(path)).mode & 0o777, content: readFileSync(path, 'utf8') };
      writeFileSync(path, 'after: edited-secret\n');
      return 0;
    };
    const r = await run({ action: 'edit', args: [file], vaultIds: [devId] }, '', { editor });
    expect(r.code).toBe(0);
    expect(seen).toMatchObject({ mode: 0o600, dirMode: 0o700, content: 'before: edit-secret\n' });
    expect(existsSync(seen?.path ?? '')).toBe(false);
    expect(existsSync(dirname(seen?.path ?? ''))).toBe(false);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;dev');
    expect(bothPasswords().decrypt(text, { file }).plaintext.toString()).toBe('after: edited-secret\n');
    expect(statSync(file).mode & 0o777).toBe(0o644);
  });

  it.each([
    { name: 'unchanged', status: 0, code: 0 },
    { name: 'editor failed', status: 2, code: 1 },
  ])('leaves the file untouched when $name, and removes the temp file', async ({ status, code }) => {
    const file = setup();
    const before = readFileSync(file, 'utf8');
    let tempPath = '';
    const r = await run({ action: 'edit', args: [file], vaultIds: [devId] }, '', {
      editor: async (p) => ((tempPath = p), status),
    });
    expect(r.code).toBe(code);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(existsSync(tempPath)).toBe(false);
    expect(r.stderr).not.toContain('edit-secret');
  });

  it('runs $EDITOR', async () => {
    const file = setup();
    const script = join(tempDir(), 'editor.sh');
    writeFileSync(script, '#!/bin/sh\nprintf "by: editor-script\\n" > "$1"\n');
    chmodSync(script, 0o700);
    const r = await run({ action: 'edit', args: [file], vaultIds: [devId] }, '', { env: { EDITOR: script } });
    expect(r.code).toBe(0);
    expect(bothPasswords().decrypt(readFileSync(file, 'utf8'), { file }).plaintext.toString()).toBe('by: editor-script\n');
  });
});
