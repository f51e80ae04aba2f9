/**
 * --profile: at the recap, the slowest tasks, like Ansible's profile_tasks
 * callback. A task's total is the sum of its host results' durations (all
 * hosts, all loop items); `max` is the slowest single host (its items summed).
 *
 *   TASKS PROFILE ****************************************************************
 *   nginx : install packages ---------------------------- 12.40s (max 6.20s web2)
 */
import type { EventSink, RunEvent, TaskRef } from '../run/events.js';
import { banner } from './banner.js';
import { taskLabel } from './task-label.js';
import { TaskRuns } from './task-runs.js';
import { DEFAULT_WIDTH } from './terminal.js';
import { toWriteFn, type OutputTarget, type WriteFn } from './writer.js';

export interface ProfileSinkOptions {
  /** how many tasks to list; default 20 */
  readonly top?: number;
  /** line width; default 80 */
  readonly width?: number;
}

export interface TaskProfile {
  readonly label: string;
  readonly totalMs: number;
  readonly maxHostMs: number;
  readonly maxHost: string;
}

interface TaskTimes {
  readonly task: TaskRef;
  readonly order: number;
  readonly perHost: Map<string, number>;
}

export class ProfileCollector {
  readonly #runs = new TaskRuns();
  readonly #tasks = new Map<string, TaskTimes>();

  start(task: TaskRef): void {
    this.#runs.start(task);
  }

  add(task: TaskRef, host: string, durationMs: number): void {
    const id = this.#runs.current(task);
    let times = this.#tasks.get(id);
    if (!times) {
      times = { task, order: this.#tasks.size, perHost: new Map() };
      this.#tasks.set(id, times);
    }
    times.perHost.set(host, (times.perHost.get(host) ?? 0) + durationMs);
  }

  /** Slowest first; equal totals keep the order the tasks ran in. */
  slowest(top: number): TaskProfile[] {
    const profiles = [...this.#tasks.values()].map((t) => {
      let totalMs = 0;
      let maxHostMs = -1;
      let maxHost = '';
      for (const [host, ms] of t.perHost) {
        totalMs += ms;
        if (ms > maxHostMs) [maxHostMs, maxHost] = [ms, host];
      }
      return { order: t.order, profile: { label: taskLabel(t.task), totalMs, maxHostMs, maxHost } };
    });
    profiles.sort((a, b) => b.profile.totalMs - a.profile.totalMs || a.order - b.order);
    return profiles.slice(0, top).map((p) => p.profile);
  }
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

export function profileLine(p: TaskProfile, width: number): string {
  const right = `${secs(p.totalMs)} (max ${secs(p.maxHostMs)} ${p.maxHost})`;
  const dashes = Math.max(3, width - p.label.length - right.length - 2);
  return `${p.label} ${'-'.repeat(dashes)} ${right}`;
}

export class ProfileSink implements EventSink {
  readonly #write: WriteFn;
  readonly #top: number;
  readonly #width: number;
  readonly #collector = new ProfileCollector();

  constructor(out: OutputTarget, opts: ProfileSinkOptions = {}) {
    this.#write = toWriteFn(out);
    this.#top = opts.top ?? 20;
    this.#width = opts.width ?? DEFAULT_WIDTH;
  }

  emit(event: RunEvent): void {
    if (event.type === 'task_start') this.#collector.start(event.task);
    else if (event.type === 'host_result') this.#collector.add(event.task, event.host, event.durationMs);
    else if (event.type === 'recap') this.#print();
  }

  #print(): void {
    const lines = ['', banner('TASKS PROFILE', this.#width)];
    for (const p of this.#collector.slowest(this.#top)) lines.push(profileLine(p, this.#width));
    this.#write(lines.join('\n') + '\n\n');
  }
}
