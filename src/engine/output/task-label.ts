/** How a task is named in headers and reports: `role : name`, the module when unnamed. */
import type { TaskRef } from '../run/events.js';

export function taskLabel(task: TaskRef): string {
  const name = task.name.trim() || task.module;
  return task.role ? `${task.role} : ${name}` : name;
}

export function taskHeader(task: TaskRef): string {
  return `${task.handler ? 'RUNNING HANDLER' : 'TASK'} [${taskLabel(task)}]`;
}
