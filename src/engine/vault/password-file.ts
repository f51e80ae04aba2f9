/**
 * A vault password from a file, as Ansible reads it: a plain file's content
 * with surrounding whitespace stripped; an executable file is run and its
 * stdout (minus trailing newlines) is the password. A script named
 * `*-client` or `*-client.<ext>` is given `--vault-id <label>`.
 */
import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import { basename, extname } from 'node:path';
import { VaultError } from '../errors.js';

export async function readVaultPasswordFile(file: string, label: string): Promise<Buffer> {
  try {
    await fs.stat(file);
  } catch {
    throw new VaultError(`the vault password file ${file} was not found`, { location: { file } });
  }
  const password = (await isExecutable(file)) ? await runPasswordScript(file, label) : await readPlainPasswordFile(file);
  if (password.length === 0) throw new VaultError(`the vault password file ${file} gives an empty password`, { location: { file } });
  return password;
}

async function readPlainPasswordFile(file: string): Promise<Buffer> {
  const content = await fs.readFile(file).catch((e: unknown) => {
    throw new VaultError(`cannot read the vault password file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { location: { file } });
  });
  return stripNewlines(stripAsciiWhitespace(content));
}

function runPasswordScript(file: string, label: string): Promise<Buffer> {
  const args = isClientScript(file) ? ['--vault-id', label] : [];
  return new Promise((resolve, reject) => {
    // stdin and stderr stay the user's, so a script can prompt (as with Ansible).
    const child = spawn(file, args, { stdio: ['inherit', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new VaultError(`cannot run the vault password script ${file}: ${e.code ?? 'error'}`, { location: { file }, hint: 'if it is not a script, remove its executable bit' })),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(stripNewlines(Buffer.concat(chunks)));
      else reject(new VaultError(`the vault password script ${file} exited with status ${code ?? 'signal'}`, { location: { file } }));
    });
  });
}

async function isExecutable(file: string): Promise<boolean> {
  const stat = await fs.stat(file);
  if (!stat.isFile() || (stat.mode & 0o111) === 0) return false;
  return fs.access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

export function isClientScript(file: string): boolean {
  const name = basename(file);
  return name.slice(0, name.length - extname(name).length).endsWith('-client');
}

const ASCII_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);

function stripAsciiWhitespace(b: Buffer): Buffer {
  let start = 0;
  let end = b.length;
  while (start < end && ASCII_WHITESPACE.has(b[start] as number)) start++;
  while (end > start && ASCII_WHITESPACE.has(b[end - 1] as number)) end--;
  return b.subarray(start, end);
}

function stripNewlines(b: Buffer): Buffer {
  let start = 0;
  let end = b.length;
  const nl = (c: number | undefined) => c === 0x0a || c === 0x0d;
  while (start < end && nl(b[start])) start++;
  while (end > start && nl(b[end - 1])) end--;
  return b.subarray(start, end);
}
