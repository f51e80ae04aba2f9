/**
 * Where a sink's text goes: a writable stream or a plain write function, so
 * tests capture output without touching process.stdout.
 */
export type WriteFn = (text: string) => void;

/** The part of a stream a sink needs; process.stdout and a PassThrough both fit. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export type OutputTarget = OutputStream | WriteFn;

export function toWriteFn(target: OutputTarget): WriteFn {
  if (typeof target === 'function') return target;
  return (text) => {
    target.write(text);
  };
}
