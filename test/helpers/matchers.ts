/**
 * vitest's asymmetric matchers (`expect.stringContaining`, ...) are typed `any`, so lint reports
 * them wherever they sit inside an expected value. These are the same matchers typed `unknown`:
 * an expected value that only the matcher itself reads.
 */
import { expect } from 'vitest';

export const anyOf = (type: unknown): unknown => expect.any(type);
export const stringContaining = (text: string): unknown => expect.stringContaining(text);
export const stringMatching = (pattern: string | RegExp): unknown => expect.stringMatching(pattern);

/** What `fn` throws; undefined when it returns. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}
