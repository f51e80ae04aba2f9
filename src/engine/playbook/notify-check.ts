/**
 * Every literal `notify:` must name a handler of its play (by name or listen
 * topic); a typo would otherwise only show after a change, on a real run.
 * Templated names are left to run time.
 */
import { nearest } from '../validate/did-you-mean.js';
import { isTemplated } from '../validate/deferred.js';
import type { LoadContext } from './load-context.js';
import type { Task, TaskNode } from './model.js';

export function checkNotify(ctx: LoadContext, lists: readonly (readonly TaskNode[])[], handlers: readonly Task[]): void {
  const known = new Set<string>();
  for (const h of handlers) {
    if (h.name) known.add(h.name);
    for (const t of h.listen ?? []) known.add(t);
  }
  const tasks = [...lists.flatMap((l) => tasksIn(l)), ...handlers];
  for (const task of tasks) {
    for (const name of task.notify) {
      if (known.has(name) || isTemplated(name)) continue;
      const suggestion = nearest(name, known);
      ctx.error(
        'E_UNKNOWN_HANDLER',
        `notify: no handler named '${name}' in this play${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
        { ...task.location, field: `${task.location.field ?? ''}.notify` },
      );
    }
  }
}

function tasksIn(nodes: readonly TaskNode[]): Task[] {
  return nodes.flatMap((n) => (n.kind === 'task' ? [n] : n.kind === 'block' ? [...tasksIn(n.block), ...tasksIn(n.rescue), ...tasksIn(n.always)] : []));
}
