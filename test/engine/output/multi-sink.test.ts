import { describe, expect, it } from 'vitest';
import { MultiSink } from '../../../src/engine/output/multi-sink.js';
import type { EventSink, RunEvent } from '../../../src/engine/run/events.js';

class Recorder implements EventSink {
  seen: string[] = [];
  closed = 0;
  constructor(readonly failOn?: string, readonly failClose = false) {}
  emit(e: RunEvent): void {
    this.seen.push(e.type);
    if (e.type === this.failOn) throw new Error(`sink failed on ${e.type}`);
  }
  async close(): Promise<void> {
    this.closed++;
    if (this.failClose) throw new Error('close failed');
  }
}

const warning: RunEvent = { type: 'warning', message: 'w' };

describe('MultiSink', () => {
  it('passes every event to every sink in order and closes all', async () => {
    const a = new Recorder();
    const b = new Recorder();
    const noClose: EventSink = { emit: () => undefined };
    const multi = new MultiSink([a, noClose, b]);
    multi.emit(warning);
    multi.emit({ type: 'play_end', name: 'p' });
    await multi.close();
    expect(a.seen).toEqual(['warning', 'play_end']);
    expect(b.seen).toEqual(['warning', 'play_end']);
    expect([a.closed, b.closed]).toEqual([1, 1]);
  });

  it('still feeds the other sinks when one throws, then rethrows', () => {
    const bad = new Recorder('warning');
    const good = new Recorder();
    expect(() => new MultiSink([bad, good]).emit(warning)).toThrow('sink failed on warning');
    expect(good.seen).toEqual(['warning']);
  });

  it('aggregates several failures', async () => {
    const multi = new MultiSink([new Recorder('warning', true), new Recorder('warning', true)]);
    expect(() => multi.emit(warning)).toThrow(AggregateError);
    await expect(multi.close()).rejects.toThrow(AggregateError);
  });

  it('closes every sink even when one close fails', async () => {
    const bad = new Recorder(undefined, true);
    const good = new Recorder();
    await expect(new MultiSink([bad, good]).close()).rejects.toThrow('close failed');
    expect(good.closed).toBe(1);
  });
});
