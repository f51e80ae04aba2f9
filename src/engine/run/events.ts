/**
 * What a run reports while it goes. The executor emits these; output sinks
 * (human, --json, --junit, --profile) consume them. The executor emits them as
 * they are: every string in an event goes through the run's Redactor on its
 * way to the sinks (redacting-sink.ts).
 */
import type { Diff } from '../module.js';

export type HostStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable';

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

export interface TaskRef {
  readonly name: string;
  /** module name ("copy", "debug", ...) */
  readonly module: string;
  readonly role?: string;
  /** file:line where the task is written */
  readonly where?: string;
  readonly handler?: boolean;
  /** the module's result is what the user asked to see (it declares `showsResult`: debug) */
  readonly showsResult?: boolean;
}

export type RunEvent =
  | { readonly type: 'playbook_start'; readonly file: string; readonly checkMode: boolean }
  | { readonly type: 'play_start'; readonly name: string; readonly hosts: readonly string[] }
  | { readonly type: 'task_start'; readonly task: TaskRef; readonly hosts: readonly string[] }
  | {
      readonly type: 'host_result';
      readonly task: TaskRef;
      readonly host: string;
      readonly status: HostStatus;
      /** the failure was ignored (ignore_errors) */
      readonly ignored?: boolean;
      readonly durationMs: number;
      /** loop item label, for results of one loop item */
      readonly item?: string;
      readonly msg?: string;
      readonly diff?: readonly Diff[];
      /** the registered result (redacted on its way to the sinks); `{censored: ...}` under no_log */
      readonly result: Readonly<Record<string, unknown>>;
      /** delegate_to target, if any */
      readonly delegatedTo?: string;
      /** a loop's summary after its items were reported one by one: count it, do not print it again */
      readonly loopSummary?: boolean;
    }
  | { readonly type: 'task_end'; readonly task: TaskRef; readonly durationMs: number }
  | {
      readonly type: 'warning';
      readonly message: string;
      readonly host?: string;
      /** found while loading, before any play: reading the inventory or matching --limit */
      readonly origin?: 'inventory';
    }
  | { readonly type: 'debug'; readonly level: number; readonly message: string; readonly host?: string }
  | { readonly type: 'play_end'; readonly name: string }
  | { readonly type: 'recap'; readonly stats: Readonly<Record<string, HostStats>>; readonly durationMs: number };

export interface EventSink {
  emit(event: RunEvent): void;
  /** called once at the end; flush files */
  close?(): Promise<void>;
}
