/**
 * One connection per host for the whole run, opened on first use and shared
 * by every task (and by concurrent tasks of the free strategy). Transports
 * are chosen by the host's `tsplay_connection` through a factory table, so
 * the executor never names a transport.
 */
import { UnreachableError } from '../errors.js';
import type { Connection, ConnectionFactory, ConnectionSettings } from '../transport/transport.js';

export class ConnectionPool {
  readonly #open = new Map<string, Promise<Connection>>();

  constructor(private readonly factories: Readonly<Record<string, ConnectionFactory>>) {}

  get(settings: ConnectionSettings): Promise<Connection> {
    const key = `${settings.host}\u0000${settings.connection}`;
    let c = this.#open.get(key);
    if (!c) {
      const factory = this.factories[settings.connection];
      c = factory
        ? factory(settings)
        : Promise.reject(
            new UnreachableError(settings.host, `unknown connection type '${settings.connection}'`, {
              hint: `tsplay_connection must be one of: ${Object.keys(this.factories).join(', ')}`,
            }),
          );
      // a failed connect is not cached: the next task may try again
      c.catch(() => this.#open.delete(key));
      this.#open.set(key, c);
    }
    return c;
  }

  async closeAll(): Promise<void> {
    const all = [...this.#open.values()];
    this.#open.clear();
    await Promise.allSettled(all.map(async (p) => (await p).close()));
  }
}
