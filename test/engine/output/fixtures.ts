/** Builders for scripted event sequences and a capturing output target. */
import type { HostStats, HostStatus, RunEvent, TaskRef } from '../../../src/engine/run/events.js';
import type { Diff } from '../../../src/engine/module.js';
import type { OutputStream } from '../../../src/engine/output/writer.js';

export function task(name: string, extra: Partial<TaskRef> = {}): TaskRef {
  return { name, module: 'command', ...extra };
}

export interface ResultOpts {
  readonly ignored?: boolean;
  readonly durationMs?: number;
  readonly item?: string;
  readonly msg?: string;
  readonly diff?: readonly Diff[];
  readonly result?: Record<string, unknown>;
  readonly delegatedTo?: string;
}

export function result(t: TaskRef, host: string, status: HostStatus, opts: ResultOpts = {}): RunEvent {
  return { type: 'host_result', task: t, host, status, durationMs: opts.durationMs ?? 10, result: opts.result ?? {}, ...opts };
}

export function stats(partial: Partial<HostStats> = {}): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, ...partial };
}

/** A play with one task and the given results, framed by the start/end events. */
export function playWithTask(t: TaskRef, hosts: readonly string[], results: readonly RunEvent[]): RunEvent[] {
  return [
    { type: 'play_start', name: 'web', hosts },
    { type: 'task_start', task: t, hosts },
    ...results,
    { type: 'task_end', task: t, durationMs: 30 },
    { type: 'play_end', name: 'web' },
  ];
}

/** A stream-like target that records what was written. */
export class Capture implements OutputStream {
  chunks: string[] = [];
  readonly isTTY: boolean;
  readonly columns?: number;
  constructor(opts: { isTTY?: boolean; columns?: number } = {}) {
    this.isTTY = opts.isTTY ?? false;
    if (opts.columns !== undefined) this.columns = opts.columns;
  }
  write(text: string): boolean {
    this.chunks.push(text);
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
  get lines(): string[] {
    return this.text.split('\n');
  }
}

export const ESC = '\u001b[';
