/**
 * The one place a run's output loses its secrets. Every event passes through
 * a RedactingSink on its way to the output sinks (human, --json, --junit,
 * --profile), which then need no redactor of their own. Every string in the
 * event is redacted: names, hosts, messages, items, results and diffs (keys
 * too, and numbers and Secrets inside results and diffs). The Redactor is
 * asked at each emit, so a secret learnt during the run (a become password,
 * a no_log task's arguments) is masked in every event emitted after it.
 *
 * Not redacted: `type` and `status` (fixed words), and the engine's own
 * numbers and flags (durations, counts, levels, check mode).
 */
import type { Redactor } from '../secret.js';
import type { EventSink, HostStats, RunEvent, TaskRef } from './events.js';

export class RedactingSink implements EventSink {
  readonly #sink: EventSink;
  readonly #redactor: Redactor;

  constructor(sink: EventSink, redactor: Redactor) {
    this.#sink = sink;
    this.#redactor = redactor;
  }

  emit(event: RunEvent): void {
    this.#sink.emit(redactEvent(event, this.#redactor));
  }

  async close(): Promise<void> {
    await this.#sink.close?.();
  }
}

/** A copy of `event` with every string in it redacted. */
export function redactEvent(event: RunEvent, r: Redactor): RunEvent {
  const text = (s: string): string => r.redact(s);
  switch (event.type) {
    case 'playbook_start':
      return { ...event, file: text(event.file) };
    case 'play_start':
      return { ...event, name: text(event.name), hosts: event.hosts.map(text) };
    case 'task_start':
      return { ...event, task: redactTask(event.task, r), hosts: event.hosts.map(text) };
    case 'host_result':
      return {
        ...event,
        task: redactTask(event.task, r),
        host: text(event.host),
        ...(event.item !== undefined ? { item: text(event.item) } : {}),
        ...(event.msg !== undefined ? { msg: text(event.msg) } : {}),
        ...(event.delegatedTo !== undefined ? { delegatedTo: text(event.delegatedTo) } : {}),
        ...(event.diff !== undefined ? { diff: r.redactValue(event.diff) } : {}),
        result: r.redactValue(event.result),
      };
    case 'task_end':
      return { ...event, task: redactTask(event.task, r) };
    case 'warning':
    case 'debug':
      return { ...event, message: text(event.message), ...(event.host !== undefined ? { host: text(event.host) } : {}) };
    case 'play_end':
      return { ...event, name: text(event.name) };
    case 'recap': {
      const stats: Record<string, HostStats> = {};
      for (const [host, s] of Object.entries(event.stats)) stats[text(host)] = s;
      return { ...event, stats };
    }
  }
}

function redactTask(task: TaskRef, r: Redactor): TaskRef {
  return {
    ...task,
    name: r.redact(task.name),
    module: r.redact(task.module),
    ...(task.role !== undefined ? { role: r.redact(task.role) } : {}),
    ...(task.where !== undefined ? { where: r.redact(task.where) } : {}),
  };
}
