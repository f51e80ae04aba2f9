/**
 * How the human output should look on this stream: colours, spinner, width.
 * Everything is decided once, from options with the stream and environment as
 * defaults, so tests can force any combination.
 */
import type { OutputTarget } from './writer.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface TerminalOptions {
  /** Treat the output as a terminal. Default: the stream's `isTTY`. */
  readonly isTTY?: boolean;
  /** Force colours on or off. Default: on a TTY when NO_COLOR is unset or empty. */
  readonly color?: boolean;
  /** Banner width in columns. Default: the terminal's width on a TTY, else 80. */
  readonly width?: number;
  /** Environment read for NO_COLOR and CI. Default: process.env. */
  readonly env?: Env;
}

export interface Terminal {
  readonly isTTY: boolean;
  readonly color: boolean;
  /** an animated spinner is allowed: a TTY and not CI */
  readonly spinner: boolean;
  readonly width: number;
}

export const DEFAULT_WIDTH = 80;
const MIN_WIDTH = 40;

/** NO_COLOR and CI count as set when present and not empty (https://no-color.org). */
function isSet(env: Env, name: string): boolean {
  const v = env[name];
  return v !== undefined && v !== '';
}

export function resolveTerminal(target: OutputTarget, opts: TerminalOptions = {}): Terminal {
  const stream = typeof target === 'function' ? undefined : target;
  const env = opts.env ?? process.env;
  const isTTY = opts.isTTY ?? stream?.isTTY === true;
  const color = opts.color ?? (isTTY && !isSet(env, 'NO_COLOR'));
  const spinner = isTTY && !isSet(env, 'CI');
  const columns = isTTY && stream?.columns ? stream.columns : DEFAULT_WIDTH;
  const width = Math.max(MIN_WIDTH, opts.width ?? columns);
  return { isTTY, color, spinner, width };
}
