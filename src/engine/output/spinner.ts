/**
 * The running-task spinner for terminals. The human sink talks to this small
 * interface; `oraSpinner` (ora-spinner.ts, loaded only when a terminal needs
 * it, since ora costs ~0.1 s of start-up) is the real one; tests pass a fake.
 */
import type { OutputStream } from './writer.js';

export interface Spinner {
  /** shows (or updates) the spinner with this text */
  show(text: string): void;
  /** removes the spinner line so ordinary lines can be printed */
  hide(): void;
  readonly visible: boolean;
}

export type SpinnerFactory = (stream: OutputStream, opts?: { readonly color?: boolean }) => Spinner;

/** ora moves the cursor itself; a stream without these methods is not a real terminal. */
export function canMoveCursor(stream: OutputStream): boolean {
  const s = stream as Partial<Record<'cursorTo' | 'clearLine' | 'moveCursor', unknown>>;
  return typeof s.cursorTo === 'function' && typeof s.clearLine === 'function' && typeof s.moveCursor === 'function';
}

/** A spinner that never draws, for streams that only claim to be terminals. */
export const inertSpinner: Spinner = { show() {}, hide() {}, visible: false };

/** The spinner's text: the task and the hosts still working on it. */
export function spinnerText(task: string, pending: readonly string[]): string {
  const shown = pending.slice(0, 8).join(', ');
  const more = pending.length > 8 ? ` (+${pending.length - 8} more)` : '';
  return `${task} — waiting for ${shown}${more}`;
}
