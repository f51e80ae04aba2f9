import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InterruptedError, OptionsError, VaultError } from '../../../src/engine/errors.js';
import { loadVaultSecrets, parseVaultId } from '../../../src/engine/vault/load-secrets.js';
import { isClientScript, readVaultPasswordFile } from '../../../src/engine/vault/password-file.js';
import { askVaultPassword, ttyPromptReader } from '../../../src/engine/vault/prompt.js';
import { DEFAULT_PASSWORD, DEV_PASSWORD, fixture, secretsOf, tempDir } from './helpers.js';

describe('parseVaultId', () => {
  it.each([
    { spec: 'dev@secrets/dev.txt', label: 'dev', source: 'secrets/dev.txt' },
    { spec: 'prod@prompt', label: 'prod', source: 'prompt' },
    { spec: '@prompt', label: 'default', source: 'prompt' },
    { spec: 'pass.txt', label: 'default', source: 'pass.txt' },
    { spec: 'a@b@c', label: 'a', source: 'b@c' },
  ])('$spec', ({ spec, label, source }) => {
    expect(parseVaultId(spec)).toEqual({ label, source });
  });
  it('refuses a label without a source', () => {
    expect(() => parseVaultId('dev@')).toThrow(OptionsError);
  });
});

describe('readVaultPasswordFile', () => {
  const dir = tempDir();
  it.each([
    { name: 'trailing newline', content: 'pw-one\n', expected: 'pw-one' },
    { name: 'surrounding whitespace', content: '  \tpw-two \r\n\n', expected: 'pw-two' },
    { name: 'inner spaces kept', content: 'pw with spaces\n', expected: 'pw with spaces' },
  ])('plain file: $name', async ({ content, expected }) => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, content, { mode: 0o600 });
    expect((await readVaultPasswordFile(file, 'default')).toString()).toBe(expected);
  });

  it('runs an executable file and uses its stdout', async () => {
    const file = join(dir, 'pass.sh');
    writeFileSync(file, '#!/bin/sh\necho "from-script-pw"\n');
    chmodSync(file, 0o700);
    expect((await readVaultPasswordFile(file, 'default')).toString()).toBe('from-script-pw');
  });

  it('gives a *-client script the vault id', async () => {
    const file = join(dir, 'vault-client.sh');
    writeFileSync(file, '#!/bin/sh\necho "pw-for-$2"\n');
    chmodSync(file, 0o700);
    expect(isClientScript(file)).toBe(true);
    expect((await readVaultPasswordFile(file, 'prod')).toString()).toBe('pw-for-prod');
  });

  it.each([
    { name: 'missing file', setup: () => join(dir, 'nope.txt'), message: /was not found/ },
    { name: 'empty file', setup: () => (writeFileSync(join(dir, 'empty.txt'), '\n'), join(dir, 'empty.txt')), message: /empty password/ },
    {
      name: 'failing script',
      setup: () => {
        const f = join(dir, 'fail.sh');
        writeFileSync(f, '#!/bin/sh\nexit 3\n');
        chmodSync(f, 0o700);
        return f;
      },
      message: /exited with status 3/,
    },
  ])('$name is a VaultError', async ({ setup, message }) => {
    const file = setup();
    await expect(readVaultPasswordFile(file, 'default')).rejects.toThrow(VaultError);
    await expect(readVaultPasswordFile(file, 'default')).rejects.toThrow(message);
  });
});

describe('askVaultPassword', () => {
  const answers = (...list: string[]) => {
    const asked: string[] = [];
    return { asked, prompt: async (q: string) => (asked.push(q), list.shift() ?? '') };
  };
  it.each([
    { opts: {}, replies: ['pw '], expected: 'pw', asked: ['Vault password: '] },
    { opts: { label: 'dev' }, replies: ['pw'], expected: 'pw', asked: ['Vault password (dev): '] },
    { opts: { confirm: true }, replies: ['pw', 'pw'], expected: 'pw', asked: ['New vault password: ', 'Confirm new vault password: '] },
  ])('asks $asked', async ({ opts, replies, expected, asked }) => {
    const p = answers(...replies);
    expect((await askVaultPassword(p.prompt, opts)).toString()).toBe(expected);
    expect(p.asked).toEqual(asked);
  });
  it.each([
    { replies: [''], message: /empty/ },
    { replies: ['one', 'two'], message: /do not match/ },
  ])('refuses $message', async ({ replies, message }) => {
    await expect(askVaultPassword(answers(...replies).prompt, { confirm: true })).rejects.toThrow(message);
  });
});

describe('ttyPromptReader', () => {
  const tty = () => {
    const input = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[], setRawMode(raw: boolean) { this.rawModes.push(raw); } });
    const output = new PassThrough();
    let shown = '';
    output.on('data', (c: Buffer) => (shown += c.toString()));
    return { input, output, shown: () => shown };
  };
  it('reads a line in raw mode without echo, handling backspace', async () => {
    const t = tty();
    const answer = ttyPromptReader(t.input, t.output)('Vault password: ');
    t.input.write('secrex\u007ft\r');
    expect(await answer).toBe('secret');
    expect(t.input.rawModes).toEqual([true, false]);
    expect(t.shown()).toBe('Vault password: \n');
  });
  it('Ctrl-C interrupts', async () => {
    const t = tty();
    const answer = ttyPromptReader(t.input, t.output)('Vault password: ');
    t.input.write('abc\u0003');
    await expect(answer).rejects.toBeInstanceOf(InterruptedError);
  });
});

describe('loadVaultSecrets', () => {
  it('builds labelled passwords from --vault-id and --vault-password-file', async () => {
    const secrets = await loadVaultSecrets({
      vaultIds: [`dev@${fixture('dev-password.txt')}`],
      vaultPasswordFiles: [fixture('password.txt')],
    });
    expect(secrets.labels).toEqual(['dev', 'default']);
  });
  it.each([
    { env: { ANSIBLE_VAULT_PASSWORD_FILE: fixture('password.txt') }, labels: ['default'] },
    { env: { TSPLAY_VAULT_PASSWORD_FILE: fixture('dev-password.txt'), ANSIBLE_VAULT_PASSWORD_FILE: fixture('password.txt') }, labels: ['default'] },
    { env: {}, labels: [] },
  ])('falls back to the environment: $env', async ({ env, labels }) => {
    const secrets = await loadVaultSecrets({ env });
    expect(secrets.labels).toEqual(labels);
  });
  it('TSPLAY_VAULT_PASSWORD_FILE wins over ANSIBLE_VAULT_PASSWORD_FILE', async () => {
    const secrets = await loadVaultSecrets({ env: { TSPLAY_VAULT_PASSWORD_FILE: fixture('dev-password.txt'), ANSIBLE_VAULT_PASSWORD_FILE: fixture('password.txt') } });
    const text = (await loadVaultSecrets({ vaultPasswordFiles: [fixture('dev-password.txt')] })).encrypt('v');
    expect(secrets.decrypt(text, { file: 'f' }).plaintext.toString()).toBe('v');
  });
  it('asks with --ask-vault-pass, and a prompt is required for it', async () => {
    const secrets = await loadVaultSecrets({ askVaultPass: true, prompt: async () => DEFAULT_PASSWORD });
    expect(secrets.labels).toEqual(['default']);
    await expect(loadVaultSecrets({ askVaultPass: true })).rejects.toThrow(OptionsError);
  });
  it('the env file is ignored when options name a source', async () => {
    const secrets = await loadVaultSecrets({ vaultIds: [`dev@${fixture('dev-password.txt')}`], env: { ANSIBLE_VAULT_PASSWORD_FILE: fixture('password.txt') } });
    expect(secrets.labels).toEqual(['dev']);
    const text = secretsOf(['dev', DEV_PASSWORD]).encrypt('only-dev', 'dev');
    expect(secrets.decrypt(text, { file: 'f' }).plaintext.toString()).toBe('only-dev');
  });
});
