/**
 * Several sinks as one. Every sink sees every event even when another throws;
 * the errors are rethrown afterwards (one as is, several as an AggregateError).
 */
import type { EventSink, RunEvent } from '../run/events.js';

function rethrow(errors: unknown[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} output sinks failed`);
}

export class MultiSink implements EventSink {
  readonly #sinks: readonly EventSink[];

  constructor(sinks: readonly EventSink[]) {
    this.#sinks = [...sinks];
  }

  emit(event: RunEvent): void {
    const errors: unknown[] = [];
    for (const sink of this.#sinks) {
      try {
        sink.emit(event);
      } catch (e) {
        errors.push(e);
      }
    }
    rethrow(errors);
  }

  async close(): Promise<void> {
    const settled = await Promise.allSettled(this.#sinks.map(async (s) => s.close?.()));
    rethrow(settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : [])));
  }
}
