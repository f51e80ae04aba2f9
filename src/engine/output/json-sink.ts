/**
 * --json: one JSON object per line (JSON Lines) for every event, with stable
 * snake_case field names (see docs/output.md). Absent optional fields are left
 * out, never null.
 */
import type { Diff } from '../module.js';
import type { EventSink, RunEvent, TaskRef } from '../run/events.js';
import { toWriteFn, type OutputTarget, type WriteFn } from './writer.js';

export interface JsonSinkOptions {
  /** the clock for `time`; default the real one */
  readonly now?: () => Date;
}

export type JsonRecord = Record<string, unknown>;

function taskFields(task: TaskRef): JsonRecord {
  return { task: task.name, module: task.module, role: task.role, where: task.where, handler: task.handler ?? false };
}

function diffRecord(d: Diff): JsonRecord {
  return { label: d.label, before: d.before, after: d.after };
}

/** The JSON record of an event, without `time`. `play` is the name of the play the event belongs to. */
export function jsonRecord(event: RunEvent, play: string | undefined): JsonRecord {
  switch (event.type) {
    case 'playbook_start':
      return { event: event.type, file: event.file, check_mode: event.checkMode };
    case 'play_start':
      return { event: event.type, play: event.name, hosts: event.hosts };
    case 'task_start':
      return { event: event.type, play, ...taskFields(event.task), hosts: event.hosts };
    case 'host_result':
      return {
        event: event.type,
        play,
        ...taskFields(event.task),
        host: event.host,
        delegated_to: event.delegatedTo,
        status: event.status,
        changed: event.status === 'changed',
        ignored: event.ignored ?? false,
        duration_ms: event.durationMs,
        item: event.item,
        msg: event.msg,
        diff: event.diff?.map(diffRecord),
        result: event.result,
      };
    case 'task_end':
      return { event: event.type, play, ...taskFields(event.task), duration_ms: event.durationMs };
    case 'warning':
      return { event: event.type, message: event.message, host: event.host, origin: event.origin };
    case 'debug':
      return { event: event.type, level: event.level, message: event.message, host: event.host };
    case 'play_end':
      return { event: event.type, play: event.name };
    case 'recap':
      return { event: event.type, stats: event.stats, duration_ms: event.durationMs };
  }
}

export class JsonSink implements EventSink {
  readonly #write: WriteFn;
  readonly #now: () => Date;
  #play: string | undefined;

  constructor(out: OutputTarget, opts: JsonSinkOptions = {}) {
    this.#write = toWriteFn(out);
    this.#now = opts.now ?? (() => new Date());
  }

  emit(event: RunEvent): void {
    if (event.type === 'play_start') this.#play = event.name;
    const record = { ...jsonRecord(event, this.#play), time: this.#now().toISOString() };
    if (event.type === 'play_end') this.#play = undefined;
    // JSON.stringify escapes U+2028/2029 and newlines, so one record is always one line.
    this.#write(JSON.stringify(record) + '\n');
  }
}
