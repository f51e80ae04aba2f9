/**
 * Asking for a vault password. `askVaultPassword` takes a PromptReader so it
 * can be tested; `ttyPromptReader` is the real one, reading from a terminal
 * without echo.
 */
import { InterruptedError, VaultError } from '../errors.js';
import { DEFAULT_VAULT_LABEL } from './envelope.js';

/** Shows `prompt` and resolves with the line typed (without its newline). */
export type PromptReader = (prompt: string) => Promise<string>;

export interface AskOptions {
  readonly label?: string;
  /** Ask twice and require both answers to match (for new vault data). */
  readonly confirm?: boolean;
}

export async function askVaultPassword(prompt: PromptReader, opts: AskOptions = {}): Promise<Buffer> {
  const label = opts.label ?? DEFAULT_VAULT_LABEL;
  const suffix = label === DEFAULT_VAULT_LABEL ? '' : ` (${label})`;
  const first = (await prompt(`${opts.confirm ? 'New vault password' : 'Vault password'}${suffix}: `)).trim();
  if (first === '') throw new VaultError('an empty vault password was given');
  if (opts.confirm) {
    const second = (await prompt(`Confirm new vault password${suffix}: `)).trim();
    if (second !== first) throw new VaultError('the vault passwords do not match');
  }
  return Buffer.from(first, 'utf8');
}

/** A TTY-like input: a Readable that may be switched to raw mode. */
export type PromptInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/** Reads one line from `input` without echoing it; prompts on `output` (stderr, normally). */
export function ttyPromptReader(input: PromptInput, output: NodeJS.WritableStream): PromptReader {
  return (prompt) =>
    new Promise((resolve, reject) => {
      output.write(prompt);
      const raw = input.isTTY === true && typeof input.setRawMode === 'function';
      if (raw) input.setRawMode?.(true);
      let typed = '';
      const finish = (err: Error | undefined) => {
        input.off('data', onData);
        input.off('end', onEnd);
        if (raw) input.setRawMode?.(false);
        input.pause();
        output.write('\n');
        if (err) reject(err);
        else resolve(typed);
      };
      const onEnd = (): void => finish(typed === '' ? new VaultError('end of input while reading the vault password') : undefined);
      const onData = (chunk: Buffer | string): void => {
        for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return finish(undefined);
          if (ch === '\u0003') return finish(new InterruptedError('interrupted while reading the vault password'));
          if (ch === '\u0004') return onEnd();
          if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
          else typed += ch;
        }
      };
      input.on('data', onData);
      input.on('end', onEnd);
      input.resume();
    });
}
