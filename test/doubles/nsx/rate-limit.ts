/**
 * NSX's per-client API rate limit: "The maximum number of API requests that will be serviced per second for a
 * given authenticated client. If more API requests are received than can be serviced, a 429 Too Many Requests
 * HTTP response will be returned." [V BDC `types_HttpServiceProperties` / `types_ApiServiceConfig`:
 * client_api_rate_limit, default 100]. Off unless the emulator is given `clientApiRateLimit`, since a fast
 * in-process test can exceed 100 requests a second where a real run would not.
 */
import { ErrorCode, NsxApiError } from './errors.js';

export class RateLimiter {
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly perSecond: number, private readonly clock: () => number = Date.now) {}

  /** counts a request of `client`; throws 429 when it is over the limit for the last second */
  admit(client: string): void {
    const now = this.clock();
    const window = (this.recent.get(client) ?? []).filter((t) => now - t < 1000);
    if (window.length >= this.perSecond) {
      this.recent.set(client, window);
      throw new NsxApiError(429, ErrorCode.tooManyRequests, `Client '${client}' exceeded the API rate limit of ${this.perSecond} requests per second.`);
    }
    window.push(now);
    this.recent.set(client, window);
  }
}
