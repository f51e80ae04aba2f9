/**
 * The running-task spinner for terminals. The human sink talks to this small
 * interface; `oraSpinner` is the real one, tests pass a fake factory.
 */
import ora from 'ora';
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
function canMoveCursor(stream: OutputStream): boolean {
  const s = stream as Partial<Record<'cursorTo' | 'clearLine' | 'moveCursor', unknown>>;
  return typeof s.cursorTo === 'function' && typeof s.clearLine === 'function' && typeof s.moveCursor === 'function';
}

/** A spinner that never draws, for streams that only claim to be terminals. */
export const inertSpinner: Spinner = { show() {}, hide() {}, visible: false };

export const oraSpinner: SpinnerFactory = (stream, opts = {}) => {
  // a terminal that reports no width (a pty nobody sized) would make ora clear lines forever
  if (!canMoveCursor(stream) || !(stream as { columns?: number }).columns) return inertSpinner;
  // discardStdin: false — raw stdin would swallow Ctrl-C while a task blocks.
  const spinner = ora({ stream: stream as NodeJS.WritableStream, discardStdin: false, isEnabled: true, ...(opts.color === false ? { color: false as const } : {}) });
  return {
    show(text) {
      spinner.text = text;
      if (!spinner.isSpinning) spinner.start();
    },
    hide() {
      if (spinner.isSpinning) spinner.stop();
    },
    get visible() {
      return spinner.isSpinning;
    },
  };
};

/** The spinner's text: the task and the hosts still working on it. */
export function spinnerText(task: string, pending: readonly string[]): string {
  const shown = pending.slice(0, 8).join(', ');
  const more = pending.length > 8 ? ` (+${pending.length - 8} more)` : '';
  return `${task} — waiting for ${shown}${more}`;
}
