import { describe, expect, it } from 'vitest';
import { inertSpinner, spinnerText } from '../../../src/engine/output/spinner.js';
import { oraSpinner } from '../../../src/engine/output/ora-spinner.js';

/** Enough of a tty.WriteStream for ora: records writes, cursor moves are no-ops. */
function fakeTty(chunks: string[]) {
  return {
    isTTY: true,
    columns: 80,
    write: (t: string) => (chunks.push(t), true),
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  };
}

describe('oraSpinner', () => {
  it('draws the text on a terminal and clears it on hide', () => {
    const chunks: string[] = [];
    const s = oraSpinner(fakeTty(chunks));
    s.show('install — waiting for web1');
    expect(s.visible).toBe(true);
    expect(chunks.join('')).toContain('install — waiting for web1');
    s.hide();
    expect(s.visible).toBe(false);
    const after = chunks.length;
    s.hide();
    expect(chunks.length).toBe(after);
  });

  it('is inert on a stream that only claims to be a TTY', () => {
    const chunks: string[] = [];
    const s = oraSpinner({ isTTY: true, write: (t: string) => chunks.push(t) });
    expect(s).toBe(inertSpinner);
    s.show('x');
    expect(chunks).toEqual([]);
  });
});

describe('spinnerText', () => {
  it.each([
    { pending: ['a'], expected: 'T — waiting for a' },
    { pending: ['a', 'b'], expected: 'T — waiting for a, b' },
    { pending: Array.from({ length: 10 }, (_, i) => `h${i}`), expected: 'T — waiting for h0, h1, h2, h3, h4, h5, h6, h7 (+2 more)' },
  ])('$expected', ({ pending, expected }) => {
    expect(spinnerText('T', pending)).toBe(expected);
  });
});
