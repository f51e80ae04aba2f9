/**
 * Task files: `import_tasks` (static: expanded at load, cycles are errors) and
 * `include_tasks` (dynamic: kept as a node; a literal file name is checked and
 * validated at load, a templated one when reached).
 */
import { dirname, resolve } from 'node:path';
import { isTemplated } from '../validate/deferred.js';
import { inheritable, isMapping, loopControl, loopOf, type RawMap } from './keywords.js';
import { where, type LoadContext, type Segments } from './load-context.js';
import type { Block, IncludeTasks, TaskNode } from './model.js';
import { ImportTasksSchema, IncludeTasksSchema } from './schema/task.js';
import { buildTaskList, nodeLocation } from './task-list.js';
import { describeChain, isFile } from './files.js';
import type { TaskScope } from './task-scope.js';
import { checkKeywordExpressions } from './expressions.js';

/** Reads and builds a task file; records errors and returns [] when it cannot. */
export function loadTaskFile(ctx: LoadContext, file: string, scope: TaskScope): TaskNode[] {
  const read = ctx.read(file);
  if (!read) return [];
  const inner: TaskScope = { ...scope, file, chain: [...scope.chain, file] };
  if (read.value !== null && !Array.isArray(read.value)) {
    ctx.error('E_TASK_FILE_NOT_LIST', 'a task file must be a list of tasks', where(read.value, [], file), 'start each task with `- name: ...`');
    return [];
  }
  return buildTaskList(ctx, read.value, inner, []);
}

function fileName(raw: RawMap, key: string): string | undefined {
  const v = raw[key];
  if (typeof v === 'string') return v;
  if (isMapping(v) && typeof v.file === 'string') return v.file;
  return undefined;
}

export function includeTasks(ctx: LoadContext, raw: RawMap, scope: TaskScope, segments: Segments): IncludeTasks | undefined {
  const valid = ctx.check(IncludeTasksSchema, raw, scope.file, segments);
  checkKeywordExpressions(ctx, raw, scope.file, segments);
  if (!valid) return undefined;
  const file = fileName(raw, 'include_tasks')!;
  if (!isTemplated(file)) {
    const path = resolve(scope.baseDir, file);
    if (!isFile(path)) {
      ctx.error('E_FILE_NOT_FOUND', `include_tasks: file not found: ${path}`, where(raw, ['include_tasks'], scope.file, segments));
      return undefined;
    }
    // validate now; a file including itself (recursion guarded by `when`) is validated once
    if (!scope.chain.includes(path)) loadTaskFile(ctx, path, { ...scope, baseDir: scope.role ? scope.baseDir : dirname(path) });
  }
  const loop = loopOf(raw);
  const lc = loopControl(raw.loop_control);
  return {
    kind: 'include_tasks',
    ...inheritable(raw),
    ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
    file,
    baseDir: scope.baseDir,
    ...(loop !== undefined ? { loop } : {}),
    ...(lc ? { loopControl: lc } : {}),
    ...(scope.role ? { role: scope.role } : {}),
    location: nodeLocation(raw, scope, segments),
  };
}

/** The imported tasks, spliced in place; wrapped in a block when the import sets keywords. */
export function importTasks(ctx: LoadContext, raw: RawMap, scope: TaskScope, segments: Segments): TaskNode[] {
  const valid = ctx.check(ImportTasksSchema, raw, scope.file, segments);
  // a templated file name is an error of its own (below)
  checkKeywordExpressions(ctx, raw, scope.file, segments, ['import_tasks']);
  if (!valid) return [];
  const file = fileName(raw, 'import_tasks')!;
  const at = where(raw, ['import_tasks'], scope.file, segments);
  if (isTemplated(file)) {
    ctx.error('E_TEMPLATED_IMPORT', `import_tasks is static: its file name cannot be templated ('${file}')`, at, 'use include_tasks for a file chosen at run time');
    return [];
  }
  const path = resolve(scope.baseDir, file);
  if (scope.chain.includes(path)) {
    const chain = [...scope.chain.slice(scope.chain.indexOf(path)), path];
    ctx.error('E_IMPORT_CYCLE', `import cycle: ${describeChain(chain, dirname(chain[0]!))}`, at);
    return [];
  }
  if (!isFile(path)) {
    ctx.error('E_FILE_NOT_FOUND', `import_tasks: file not found: ${path}`, at);
    return [];
  }
  const tasks = loadTaskFile(ctx, path, { ...scope, baseDir: scope.role ? scope.baseDir : dirname(path) });
  const own = inheritable(raw);
  const hasKeywords = own.when.length > 0 || own.tags.length > 0 || Object.keys(own).length > 3 || Object.keys(own.vars).length > 0;
  if (!hasKeywords) return tasks;
  const block: Block = {
    kind: 'block',
    ...own,
    ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
    block: tasks,
    rescue: [],
    always: [],
    ...(scope.role ? { role: scope.role } : {}),
    location: nodeLocation(raw, scope, segments),
  };
  return [block];
}
