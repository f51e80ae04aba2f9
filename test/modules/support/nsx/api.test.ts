import { describe, expect, it } from 'vitest';
import { httpStatus, isConflict, lastPage, retryOnConflict } from '../../../../src/modules/support/nsx/api.js';

describe('paging ends', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['0000-xyz', true],
    ['00000', true],
    ['0001', false],
    ['abc', false],
  ])('cursor %j → last page %s', (cursor, want) => expect(lastPage(cursor)).toBe(want));
});

describe('conflicts', () => {
  const err = (status: number) => Object.assign(new Error(`status ${status}`), { status });
  it.each([
    [err(412), true],
    [err(409), true],
    [err(429), false],
    [err(500), false],
    [new Error('no status'), false],
    ['text', false],
  ])('%s is a conflict: %s', (e, want) => expect(isConflict(e)).toBe(want));
  it('status of a non-error is undefined', () => expect(httpStatus(null)).toBeUndefined());

  const fast = { attempts: 3, delayMs: () => 0 };
  it('retries a conflict and returns the attempt that worked', async () => {
    const seen: number[] = [];
    const r = await retryOnConflict(async (n) => {
      if (n < 3) throw err(412);
      return n;
    }, (_e, n) => seen.push(n), fast);
    expect(r).toBe(3);
    expect(seen).toEqual([1, 2]);
  });
  it('gives up after the last attempt with the last error', async () => {
    let calls = 0;
    await expect(retryOnConflict(async () => { calls++; throw err(409); }, () => undefined, fast)).rejects.toThrow('status 409');
    expect(calls).toBe(3);
  });
  it('does not retry other errors', async () => {
    let calls = 0;
    await expect(retryOnConflict(async () => { calls++; throw err(400); }, () => undefined, fast)).rejects.toThrow('status 400');
    expect(calls).toBe(1);
  });
});
