/**
 * When to send a request again and how long to wait first.
 *  - 429 and 503: the API refused to handle the request now, so any method
 *    is sent again (it was not carried out).
 *  - a reset connection or a timeout: only idempotent requests (GET, PUT,
 *    DELETE, and reads), since a POST or PATCH may have been carried out.
 * The wait honours Retry-After (up to a minute, or the maximum delay if that
 * is longer);
 * otherwise it doubles from the base delay up to the maximum, with ±20 %
 * jitter (nsxlib's 429 handling: 400–600 ms, backing off to 5 s).
 */
import type { RetrySettings } from './settings.js';

/** the longest Retry-After honoured as it is */
export const RETRY_AFTER_CAP_MS = 60_000;

export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 503]);
const RETRY_NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT']);

export function retryableStatus(status: number): boolean {
  return RETRY_STATUSES.has(status);
}

export function retryableNetworkError(code: string | undefined, message: string | undefined, idempotent: boolean): boolean {
  if (!idempotent) return false;
  return (code !== undefined && RETRY_NETWORK_CODES.has(code)) || /socket hang up/i.test(message ?? '');
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The wait before retry number `retry` (0 = the first retry). */
export function backoffMs(s: RetrySettings, retry: number, retryAfter: number | undefined, random: () => number = Math.random): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, Math.max(RETRY_AFTER_CAP_MS, s.maxDelayMs));
  const exp = Math.min(s.maxDelayMs, s.baseDelayMs * 2 ** retry);
  return Math.round(Math.min(s.maxDelayMs, exp * (0.8 + 0.4 * random())));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
