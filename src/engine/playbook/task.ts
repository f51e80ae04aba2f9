/**
 * One task: exactly one module key among its keys, the rest keywords. Unknown
 * keys are told apart from unknown modules by which list they are nearer to.
 */
import { distance } from 'fastest-levenshtein';
import { copyLocation, fieldPath, locate } from '../yaml/load.js';
import { nearest } from '../validate/did-you-mean.js';
import { inheritable, loopControl, loopOf, toConditions, toNumber, toStringList, type RawMap } from './keywords.js';
import { where, type LoadContext, type Segments } from './load-context.js';
import type { Task } from './model.js';
import { checkKeywordExpressions } from './expressions.js';
import { moduleArgs } from './module-args.js';
import { normaliseModuleName } from './module-name.js';
import { TASK_KEYWORDS, TaskKeywordsSchema } from './schema/task.js';
import type { TaskScope } from './task-scope.js';

const KEYWORDS = new Set(Object.keys(TaskKeywordsSchema.properties));

export function buildTask(ctx: LoadContext, raw: RawMap, scope: TaskScope, segments: Segments): Task | undefined {
  const keys = Object.keys(raw);
  const moduleKeys = keys.filter((k) => !KEYWORDS.has(k) && ctx.modules.get(normaliseModuleName(k)) !== undefined);
  const unknown = keys.filter((k) => !KEYWORDS.has(k) && !moduleKeys.includes(k));
  const at = (key?: string) => where(raw, key === undefined ? [] : [key], scope.file, segments);
  let ok = true;

  if (moduleKeys.length > 1) {
    ctx.error('E_MULTIPLE_MODULES', `a task runs one module, this one names ${moduleKeys.length}: ${moduleKeys.map((k) => `'${k}'`).join(' and ')}`, at(moduleKeys[1]), 'split it into one task per module');
    ok = false;
  }
  const moduleNames = ctx.modules.names();
  let reportedUnknownModule = false;
  for (const key of unknown) {
    if (moduleKeys.length === 0 && !reportedUnknownModule && looksLikeModule(key, moduleNames)) {
      const suggestion = nearest(normaliseModuleName(key), moduleNames);
      ctx.error('E_UNKNOWN_MODULE', `unknown module '${key}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`, at(key), suggestion ? undefined : 'run `tsplay modules` to list the modules');
      reportedUnknownModule = true;
    } else {
      const suggestion = nearest(key, TASK_KEYWORDS);
      ctx.error('E_UNKNOWN_KEY', `unknown key '${key}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`, at(key));
    }
    ok = false;
  }
  if (moduleKeys.length === 0 && !reportedUnknownModule) {
    ctx.error('E_NO_MODULE', `task${typeof raw.name === 'string' ? ` '${raw.name}'` : ''} has no module to run`, at(), 'add one module key, e.g. `command: ...` or `debug: {msg: ...}`');
    ok = false;
  }

  const keywords: Record<string, unknown> = {};
  for (const k of keys) if (KEYWORDS.has(k)) keywords[k] = raw[k];
  copyLocation(raw, keywords);
  if (!ctx.check(TaskKeywordsSchema, keywords, scope.file, segments)) ok = false;
  // the module's own value and `args:` are checked with the module's parameters (moduleArgs)
  checkKeywordExpressions(ctx, keywords, scope.file, segments, ['args']);

  const moduleKey = moduleKeys[0];
  if (moduleKey === undefined) return undefined;
  const moduleName = normaliseModuleName(moduleKey);
  const module = ctx.modules.get(moduleName)!;
  const canonical = module.name ?? moduleName;
  const errorsBefore = ctx.errorCount;
  const args = moduleArgs(ctx, { task: raw, moduleKey, moduleName: canonical, module, file: scope.file, segments });
  if (!ok || ctx.errorCount > errorsBefore) return undefined;
  return taskNode(raw, keywords, canonical, args, scope, segments);
}

function taskNode(raw: RawMap, kw: RawMap, module: string, args: Record<string, unknown>, scope: TaskScope, segments: Segments): Task {
  const loop = loopOf(kw);
  const lc = loopControl(kw.loop_control);
  const retries = toNumber(kw.retries);
  const delay = toNumber(kw.delay);
  const location = { ...(locate(raw) ?? { file: scope.file }), field: fieldPath(segments) };
  return {
    kind: 'task',
    ...inheritable(kw),
    ...(typeof kw.name === 'string' ? { name: kw.name } : {}),
    module,
    args,
    ...(loop !== undefined ? { loop } : {}),
    ...(lc ? { loopControl: lc } : {}),
    ...(typeof kw.register === 'string' ? { register: kw.register } : {}),
    ...(kw.changed_when !== undefined ? { changedWhen: toConditions(kw.changed_when) } : {}),
    ...(kw.failed_when !== undefined ? { failedWhen: toConditions(kw.failed_when) } : {}),
    ...(kw.until !== undefined ? { until: toConditions(kw.until) } : {}),
    ...(retries !== undefined ? { retries } : {}),
    ...(delay !== undefined ? { delay } : {}),
    notify: toStringList(kw.notify),
    ...(kw.listen !== undefined ? { listen: toStringList(kw.listen) } : {}),
    ...(scope.role ? { role: scope.role } : {}),
    location,
  };
}

/** Is this unknown key nearer to a module name than to a keyword (or near neither)? */
function looksLikeModule(key: string, moduleNames: readonly string[]): boolean {
  const k = normaliseModuleName(key);
  const best = (list: readonly string[]) => list.reduce((m, c) => Math.min(m, distance(k, c)), Infinity);
  const toKeyword = best(TASK_KEYWORDS);
  if (nearest(key, TASK_KEYWORDS) === undefined) return true;
  return best(moduleNames) < toKeyword;
}
