/**
 * A list of task entries (tasks, blocks, includes, imports, meta) → TaskNodes.
 * Static imports are expanded here; `include_tasks` stays a node.
 */
import { copyLocation, fieldPath, locate } from '../yaml/load.js';
import { describeValue } from '../validate/describe.js';
import { inheritable, isMapping, type RawMap } from './keywords.js';
import { where, type LoadContext, type Segments } from './load-context.js';
import type { Block, Meta, TaskNode } from './model.js';
import { normaliseModuleName } from './module-name.js';
import { importRole } from './roles.js';
import { BlockSchema, ImportRoleSchema, MetaSchema } from './schema/task.js';
import { buildTask } from './task.js';
import { importTasks, includeTasks } from './task-files.js';
import type { TaskScope } from './task-scope.js';
import { checkKeywordExpressions } from './expressions.js';

export function buildTaskList(ctx: LoadContext, list: unknown, scope: TaskScope, segments: Segments): TaskNode[] {
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) {
    ctx.error('E_TYPE', `expected a list of tasks, got ${describeValue(list)}`, where(list, [], scope.file, segments));
    return [];
  }
  return list.flatMap((_entry, i) => buildEntry(ctx, list, i, scope, [...segments, i]));
}

function buildEntry(ctx: LoadContext, list: readonly unknown[], i: number, scope: TaskScope, segments: Segments): TaskNode[] {
  const raw = list[i];
  if (!isMapping(raw)) {
    const loc = locate(list, i) ?? { file: scope.file };
    ctx.error('E_TYPE', `expected a task (a mapping), got ${describeValue(raw)}`, { ...loc, field: fieldPath(segments) });
    return [];
  }
  if ('block' in raw) return one(buildBlock(ctx, raw, scope, segments));
  if ('include_tasks' in raw) return one(includeTasks(ctx, raw, scope, segments));
  if ('import_tasks' in raw) return importTasks(ctx, raw, scope, segments);
  if ('import_role' in raw || 'include_role' in raw) return one(importRoleTask(ctx, raw, scope, segments));
  if ('meta' in raw) return one(buildMeta(ctx, raw, scope, segments));
  return one(buildTask(ctx, raw, scope, segments));
}

function one<T>(node: T | undefined): T[] {
  return node === undefined ? [] : [node];
}

export function nodeLocation(raw: RawMap, scope: TaskScope, segments: Segments) {
  return { ...(locate(raw) ?? { file: scope.file }), field: fieldPath(segments) };
}

function buildBlock(ctx: LoadContext, raw: RawMap, scope: TaskScope, segments: Segments): Block | undefined {
  const modules = Object.keys(raw).filter((k) => !(k in BlockSchema.properties) && ctx.modules.get(normaliseModuleName(k)) !== undefined);
  for (const m of modules) {
    ctx.error('E_BLOCK_WITH_MODULE', `a block cannot also run a module ('${m}')`, where(raw, [m], scope.file, segments), 'move the module into a task inside `block:`');
  }
  const keywords: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!modules.includes(k)) keywords[k] = v;
  copyLocation(raw, keywords);
  const valid = ctx.check(BlockSchema, keywords, scope.file, segments) && modules.length === 0;
  checkKeywordExpressions(ctx, keywords, scope.file, segments, ['block', 'rescue', 'always']);
  const block = buildTaskList(ctx, raw.block, scope, [...segments, 'block']);
  const rescue = buildTaskList(ctx, raw.rescue, scope, [...segments, 'rescue']);
  const always = buildTaskList(ctx, raw.always, scope, [...segments, 'always']);
  if (!valid) return undefined;
  return {
    kind: 'block',
    ...inheritable(raw),
    ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
    block,
    rescue,
    always,
    ...(scope.role ? { role: scope.role } : {}),
    location: nodeLocation(raw, scope, segments),
  };
}

function buildMeta(ctx: LoadContext, raw: RawMap, scope: TaskScope, segments: Segments): Meta | undefined {
  const valid = ctx.check(MetaSchema, raw, scope.file, segments, { type: 'E_BAD_META' });
  checkKeywordExpressions(ctx, raw, scope.file, segments, ['meta']);
  if (!valid) return undefined;
  return {
    kind: 'meta',
    ...inheritable(raw),
    action: raw.meta as Meta['action'],
    location: nodeLocation(raw, scope, segments),
  };
}

/** `import_role` / `include_role` (both static): a block holding the role's tasks. */
function importRoleTask(ctx: LoadContext, raw: RawMap, scope: TaskScope, segments: Segments): Block | undefined {
  const valid = ctx.check(ImportRoleSchema, raw, scope.file, segments);
  checkKeywordExpressions(ctx, raw, scope.file, segments, ['import_role', 'include_role']);
  if (!valid) return undefined;
  const key = 'import_role' in raw ? 'import_role' : 'include_role';
  if ('import_role' in raw && 'include_role' in raw) {
    ctx.error('E_MULTIPLE_MODULES', "a task cannot have both 'import_role' and 'include_role'", where(raw, ['include_role'], scope.file, segments));
    return undefined;
  }
  const ref = raw[key] as { name: string; tasks_from?: string; handlers_from?: string; vars_from?: string; defaults_from?: string };
  const loaded = importRole(ctx, {
    name: ref.name,
    params: {},
    at: where(raw, [key], scope.file, segments),
    scope,
    ...(ref.tasks_from ? { tasksFrom: ref.tasks_from } : {}),
    ...(ref.handlers_from ? { handlersFrom: ref.handlers_from } : {}),
    ...(ref.vars_from ? { varsFrom: ref.vars_from } : {}),
    ...(ref.defaults_from ? { defaultsFrom: ref.defaults_from } : {}),
  });
  if (!loaded) return undefined;
  return { ...loaded.block, ...inheritable(raw), ...(typeof raw.name === 'string' ? { name: raw.name } : {}), location: nodeLocation(raw, scope, segments) };
}
