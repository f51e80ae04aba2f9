/**
 * Handlers: tasks with a name (notify refers to it) or `listen:` topics.
 * `import_tasks` may bring handlers in; blocks are not handlers.
 */
import { fieldPath } from '../yaml/load.js';
import type { LoadContext, Segments } from './load-context.js';
import type { Task, TaskNode } from './model.js';
import { buildTaskList } from './task-list.js';
import type { TaskScope } from './task-scope.js';

export function buildHandlerList(ctx: LoadContext, list: unknown, scope: TaskScope, segments: Segments): Task[] {
  const { handlers: _playHandlers, ...outsidePlayHandlers } = scope;
  const nodes = buildTaskList(ctx, list, outsidePlayHandlers, segments);
  return nodes.flatMap((n) => handlersOf(ctx, n));
}

function handlersOf(ctx: LoadContext, node: TaskNode): Task[] {
  if (node.kind === 'task') {
    if (!node.name && !node.listen?.length) {
      ctx.error('E_HANDLER_NO_NAME', 'handler has no name', node.location, 'notify finds handlers by name: add `name:` (or `listen:` topics)');
      return [];
    }
    return [node];
  }
  const what = node.kind === 'block' ? 'a block' : node.kind === 'meta' ? 'a meta task' : 'include_tasks';
  ctx.error('E_HANDLER_NOT_TASK', `a handler must be a task, not ${what}`, { ...node.location, field: node.location.field ?? fieldPath([]) });
  return [];
}
