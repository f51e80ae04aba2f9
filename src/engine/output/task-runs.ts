/**
 * Tells task runs apart for sinks that aggregate per task (JUnit, profile).
 * A task is identified by role, name, file position and handler flag; the same
 * task started again (an include in a loop, a second play) gets a new run id,
 * and host results belong to the latest run of their task.
 */
import type { TaskRef } from '../run/events.js';

export function taskKey(task: TaskRef): string {
  return [task.role ?? '', task.name, task.module, task.where ?? '', task.handler ? 'handler' : ''].join('\u0000');
}

export class TaskRuns {
  readonly #starts = new Map<string, number>();

  /** Records a task_start; returns the new run's id. */
  start(task: TaskRef): string {
    const key = taskKey(task);
    const n = (this.#starts.get(key) ?? 0) + 1;
    this.#starts.set(key, n);
    return `${key}#${n}`;
  }

  /** The run a host result of this task belongs to (its latest start, or a first run if never started). */
  current(task: TaskRef): string {
    const key = taskKey(task);
    const n = this.#starts.get(key);
    return n === undefined ? this.start(task) : `${key}#${n}`;
  }
}
