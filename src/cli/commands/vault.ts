/**
 * `tsplay vault encrypt|decrypt|view|edit|encrypt_string`, compatible with
 * ansible-vault: same files, same output, same options. The commander wiring
 * lives elsewhere; this is the command body, returning the exit status.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { errorReport, ExitCode, OptionsError, TsplayError, VaultError } from '../../engine/errors.js';
import { writeFileAtomic } from '../../engine/vault/atomic-write.js';
import { editVaultFile, type EditorRunner } from '../../engine/vault/edit-file.js';
import { formatEncryptedString } from '../../engine/vault/encrypt-string.js';
import { isVaultText } from '../../engine/vault/envelope.js';
import { loadVaultSecrets, vaultIdSpecs, type VaultPasswordOptions } from '../../engine/vault/load-secrets.js';
import { ttyPromptReader, type PromptReader } from '../../engine/vault/prompt.js';
import type { VaultSecrets } from '../../engine/vault/vault-secrets.js';

export const VAULT_ACTIONS = ['encrypt', 'decrypt', 'view', 'edit', 'encrypt_string'] as const;
export type VaultAction = (typeof VAULT_ACTIONS)[number];

export interface VaultCommandArgs {
  readonly action: VaultAction;
  /** Files for encrypt/decrypt/view/edit (none or `-`: stdin); the strings for encrypt_string. */
  readonly args: readonly string[];
  readonly vaultPasswordFiles?: readonly string[];
  readonly vaultIds?: readonly string[];
  readonly askVaultPass?: boolean;
  /** `--output FILE`; `-` is stdout. */
  readonly output?: string;
  readonly encryptVaultId?: string;
  /** encrypt_string `--name` (repeatable, matched to the strings in order). */
  readonly names?: readonly string[];
  /** encrypt_string `--stdin-name`: read the plaintext from stdin and name it. */
  readonly stdinName?: string;
}

export interface VaultCommandIO {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How to ask for a password; default: the TTY on stdin without echo (none if stdin is not a TTY). */
  readonly prompt?: PromptReader;
  /** How to run the editor for `edit`; default: $EDITOR (vi). */
  readonly editor?: EditorRunner;
}

const CREATES_NEW_DATA: ReadonlySet<VaultAction> = new Set(['encrypt', 'encrypt_string']);

export async function runVaultCommand(args: VaultCommandArgs, io: VaultCommandIO): Promise<number> {
  try {
    const secrets = await secretsFor(args, io);
    await ACTIONS[args.action](args, io, secrets);
    return ExitCode.ok;
  } catch (e) {
    if (!TsplayError.isInstance(e)) throw e;
    io.stderr.write(`ERROR! ${errorReport(e)}\n`);
    return e.exitCode;
  }
}

async function secretsFor(args: VaultCommandArgs, io: VaultCommandIO): Promise<VaultSecrets> {
  const prompt = io.prompt ?? (io.stdin.isTTY ? ttyPromptReader(io.stdin, io.stderr) : undefined);
  const opts: VaultPasswordOptions = {
    vaultPasswordFiles: args.vaultPasswordFiles,
    vaultIds: args.vaultIds,
    askVaultPass: args.askVaultPass,
    env: io.env ?? {},
    prompt,
    confirmPrompted: CREATES_NEW_DATA.has(args.action),
  };
  // Like ansible-vault: with no password source at all, ask on the terminal.
  const auto = vaultIdSpecs(opts).length === 0 && prompt !== undefined;
  const secrets = await loadVaultSecrets(auto ? { ...opts, askVaultPass: true } : opts);
  if (secrets.isEmpty) {
    throw new VaultError('a vault password is needed', { hint: 'pass --vault-password-file FILE, --vault-id LABEL@FILE or --ask-vault-pass' });
  }
  return secrets;
}

type Action = (args: VaultCommandArgs, io: VaultCommandIO, secrets: VaultSecrets) => Promise<void>;

const ACTIONS: Record<VaultAction, Action> = {
  encrypt: async (args, io, secrets) => {
    for (const input of inputsOf(args)) {
      const data = await readInput(input, io);
      if (isVaultText(data)) throw new VaultError('input is already encrypted', { location: { file: nameOf(input) } });
      await writeResult(input, args, io, secrets.encrypt(data, args.encryptVaultId));
    }
    io.stderr.write('Encryption successful\n');
  },
  decrypt: async (args, io, secrets) => {
    for (const input of inputsOf(args)) await writeResult(input, args, io, await decryptInput(input, io, secrets));
    io.stderr.write('Decryption successful\n');
  },
  view: async (args, io, secrets) => {
    for (const input of inputsOf(args)) io.stdout.write(await decryptInput(input, io, secrets));
  },
  edit: async (args, io, secrets) => {
    const [file, ...rest] = args.args;
    if (file === undefined || file === '-' || rest.length > 0) throw new OptionsError('vault edit takes exactly one file');
    if (args.output !== undefined) throw new OptionsError('--output cannot be used with vault edit');
    await editVaultFile(file, secrets, io.editor ?? editorFromEnv(io.env ?? {}), args.encryptVaultId);
  },
  encrypt_string: async (args, io, secrets) => {
    const blocks: string[] = [];
    for (const { name, plaintext } of await stringsToEncrypt(args, io)) {
      blocks.push(formatEncryptedString(secrets.encrypt(plaintext, args.encryptVaultId), name));
    }
    const text = blocks.join('\n');
    if (args.output !== undefined && args.output !== '-') await writeFileAtomic(args.output, text);
    // ansible-vault writes no final newline; add one only for a human at a terminal.
    else io.stdout.write(io.stdout.isTTY ? `${text}\n` : text);
  },
};

/** Files named on the command line, or stdin (`-`) when none. */
function inputsOf(args: VaultCommandArgs): string[] {
  const inputs = args.args.length === 0 ? ['-'] : [...args.args];
  if (args.output !== undefined && inputs.length > 1) throw new OptionsError('at most one input file may be used with --output');
  return inputs;
}

const nameOf = (input: string): string => (input === '-' ? '<stdin>' : input);

async function readInput(input: string, io: VaultCommandIO): Promise<Buffer> {
  if (input === '-') return readStream(io.stdin);
  return fs.readFile(input).catch((e: unknown) => {
    throw new VaultError(`cannot read ${input}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { location: { file: input } });
  });
}

async function decryptInput(input: string, io: VaultCommandIO, secrets: VaultSecrets): Promise<Buffer> {
  const data = await readInput(input, io);
  const file = nameOf(input);
  if (!isVaultText(data)) throw new VaultError(`input is not vault encrypted data: ${file} is not a vault encrypted file`, { location: { file } });
  return secrets.decrypt(data.toString('utf8'), { file }).plaintext;
}

/** To --output (`-`: stdout), else back into the input file (atomically), else stdout for stdin input. */
async function writeResult(input: string, args: VaultCommandArgs, io: VaultCommandIO, data: Buffer | string): Promise<void> {
  const target = args.output ?? input;
  if (target === '-') io.stdout.write(data);
  else await writeFileAtomic(target, data);
}

interface StringToEncrypt {
  readonly name: string | undefined;
  readonly plaintext: Buffer;
}

/** As ansible-vault: stdin (named by --stdin-name) when asked or when no strings are given, then the strings, named by --name in order. */
async function stringsToEncrypt(args: VaultCommandArgs, io: VaultCommandIO): Promise<StringToEncrypt[]> {
  const out: StringToEncrypt[] = [];
  const strings = args.args.filter((a) => a !== '-');
  if (args.stdinName !== undefined || strings.length < args.args.length || args.args.length === 0) {
    if (io.stdin.isTTY) io.stderr.write('Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a newline)\n');
    const text = await readStream(io.stdin);
    if (text.length === 0) throw new OptionsError('stdin was empty, not encrypting');
    out.push({ name: args.stdinName, plaintext: text });
  }
  const names = args.names ?? [];
  if (names.length > 0 && strings.length > names.length) {
    io.stderr.write(`The number of --name options do not match the number of args.\nThe last named variable will be "${names.at(-1)}". The rest will not have names.\n`);
  }
  strings.forEach((s, i) => {
    if (s === '') throw new OptionsError('the plaintext given on the command line is empty, not encrypting');
    out.push({ name: names[i], plaintext: Buffer.from(s, 'utf8') });
  });
  return out;
}

function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** `$EDITOR` (default vi), split on whitespace, run on the user's terminal. */
export function editorFromEnv(env: Readonly<Record<string, string | undefined>>): EditorRunner {
  const [command, ...args] = (env.EDITOR || 'vi').trim().split(/\s+/) as [string, ...string[]];
  return (file) =>
    new Promise((resolve, reject) => {
      const child = spawn(command, [...args, file], { stdio: 'inherit' });
      child.on('error', (e: NodeJS.ErrnoException) => reject(new VaultError(`cannot run the editor '${command}': ${e.code ?? 'error'}`, { hint: 'set EDITOR' })));
      child.on('close', (code) => resolve(code ?? 1));
    });
}
