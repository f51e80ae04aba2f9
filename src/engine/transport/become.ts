import type { BecomeOptions } from './transport.js';
import { quote } from './shell-quote.js';

/**
 * Wraps a command so it runs as another user through sudo. The password, if
 * any, is the first line of stdin (`sudo -S` reads it there, with an empty
 * prompt), so it never appears in a command line or process list.
 */
export function wrapBecome(command: string, become: BecomeOptions, stdin?: string | Buffer): { command: string; stdin?: Buffer } {
  const user = become.user ?? 'root';
  const flags = become.password !== undefined ? '-S -p ""' : '-n';
  const wrapped = `sudo -H ${flags} -u ${quote(user)} -- sh -c ${quote(command)}`;
  if (become.password === undefined) return stdin === undefined ? { command: wrapped } : { command: wrapped, stdin: Buffer.from(stdin) };
  const rest = stdin === undefined ? Buffer.alloc(0) : Buffer.from(stdin);
  return { command: wrapped, stdin: Buffer.concat([Buffer.from(`${become.password}\n`), rest]) };
}
