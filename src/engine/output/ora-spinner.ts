/** The real spinner, on ora. Imported on demand: only runs on a terminal draw one. */
import ora from 'ora';
import { canMoveCursor, inertSpinner, type SpinnerFactory } from './spinner.js';

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
