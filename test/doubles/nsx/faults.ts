/**
 * Fault injection: the next N requests that match answer with an error status instead of being served.
 * 409 ("The object was modified by somebody else", seen from NSX by the BOSH CPI's policy tests), 429 (NSX
 * rate limiting; nsxlib retries after 400–600 ms) and 503 (a manager that is busy or starting) are the ones
 * the issue asks for; any status works. A fault can also hold the request for `delayMs` (then answer it, or serve
 * it normally when no status is given, to test client timeouts) or `drop` the connection without an answer.
 */
import { NsxApiError } from './errors.js';

export interface FaultSpec {
  /** HTTP method(s) to match; all when left out */
  readonly method?: string | readonly string[];
  /** URL path to match: exact string, RegExp, or predicate; all when left out */
  readonly path?: string | RegExp | ((path: string) => boolean);
  /** answer with this status; without it (and without `drop`) the request is served normally after `delayMs` */
  readonly status?: number;
  /** wait this long before answering (or dropping, or serving) */
  readonly delayMs?: number;
  /** close the connection without an answer (a reset, as from a manager that dies mid-request) */
  readonly drop?: boolean;
  /** how many matching requests get the fault (default 1) */
  readonly times?: number;
  /** seconds for a `Retry-After` header */
  readonly retryAfter?: number;
  readonly errorCode?: number;
  readonly message?: string;
}

export interface FaultHit {
  /** the answer; undefined when the request is dropped or only delayed */
  readonly error?: NsxApiError;
  readonly retryAfter?: number;
  readonly delayMs: number;
  readonly drop: boolean;
}

const DEFAULT_MESSAGES: Readonly<Record<number, string>> = {
  409: 'The object was modified by somebody else.',
  429: 'Too many requests; the request was rate limited. Retry later.',
  503: 'Service unavailable; the manager is not ready to serve the request. Retry later.',
};

interface Armed {
  readonly spec: FaultSpec;
  left: number;
}

export class FaultInjector {
  private armed: Armed[] = [];
  private hits = 0;

  /** arms a fault; returns a function that disarms it */
  inject(spec: FaultSpec): () => void {
    if (spec.status === undefined && !spec.drop && spec.delayMs === undefined) {
      throw new Error('a fault needs a status, drop or delayMs');
    }
    const a: Armed = { spec, left: spec.times ?? 1 };
    this.armed.push(a);
    return () => {
      this.armed = this.armed.filter((x) => x !== a);
    };
  }

  clear(): void {
    this.armed = [];
  }

  /** how many faults were answered so far */
  get fired(): number {
    return this.hits;
  }

  /** requests the armed faults will still answer */
  get pending(): number {
    return this.armed.reduce((n, a) => n + a.left, 0);
  }

  /** the fault for this request, consuming one use of it; undefined when none matches */
  take(method: string, path: string): FaultHit | undefined {
    const a = this.armed.find((x) => x.left > 0 && matches(x.spec, method, path));
    if (!a) return undefined;
    a.left -= 1;
    this.armed = this.armed.filter((x) => x.left > 0);
    this.hits += 1;
    const { status } = a.spec;
    const error = status === undefined || a.spec.drop
      ? undefined
      : new NsxApiError(status, a.spec.errorCode ?? status, a.spec.message ?? DEFAULT_MESSAGES[status] ?? `Injected fault ${status}.`);
    return {
      ...(error ? { error } : {}),
      ...(a.spec.retryAfter === undefined ? {} : { retryAfter: a.spec.retryAfter }),
      delayMs: a.spec.delayMs ?? 0,
      drop: a.spec.drop ?? false,
    };
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method !== undefined) {
    const methods = typeof spec.method === 'string' ? [spec.method] : spec.method;
    if (!methods.some((m) => m.toUpperCase() === method)) return false;
  }
  const p = spec.path;
  if (p === undefined) return true;
  if (typeof p === 'string') return p === path;
  if (p instanceof RegExp) return p.test(path);
  return p(path);
}
