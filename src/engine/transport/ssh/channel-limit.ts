/**
 * A counting semaphore for the channels of one SSH connection: at most
 * `capacity` at once (OpenSSH's MaxSessions, 10 by default). Waiters are
 * served first come, first served from a queue; nothing polls. When the
 * server refuses a channel although we are under the limit (its MaxSessions
 * is lower than ours), `lowerTo` learns the real limit.
 */
export class ChannelLimit {
  #capacity: number;
  #inUse = 0;
  readonly #waiters: (() => void)[] = [];

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`channel limit must be a positive integer, got ${capacity}`);
    this.#capacity = capacity;
  }

  get capacity(): number {
    return this.#capacity;
  }
  get inUse(): number {
    return this.#inUse;
  }
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Resolves when a channel slot is ours; call `release()` exactly once afterwards. */
  acquire(): Promise<void> {
    if (this.#inUse < this.#capacity && this.#waiters.length === 0) {
      this.#inUse++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    this.#inUse--;
    this.#wake();
  }

  /** The server allows fewer channels than we thought: never more than `n` (at least 1). */
  lowerTo(n: number): void {
    this.#capacity = Math.max(1, Math.min(this.#capacity, n));
  }

  /** Runs `fn` holding a slot; the slot is released however `fn` ends. */
  async with<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  #wake(): void {
    while (this.#inUse < this.#capacity && this.#waiters.length > 0) {
      this.#inUse++;
      this.#waiters.shift()!();
    }
  }
}
