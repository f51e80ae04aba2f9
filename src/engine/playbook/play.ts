/** One play: keywords validated, roles placed before its tasks, role handlers joined to its own. */
import { dirname, resolve } from 'node:path';
import { isTemplated } from '../validate/deferred.js';
import { fieldPath, locate } from '../yaml/load.js';
import { buildHandlerList } from './handlers.js';
import { hostPatternProblem } from './host-pattern.js';
import { inheritable, toBool, toNumber, toStringList, toTags, toVars, type RawMap } from './keywords.js';
import { where, type LoadContext, type Segments } from './load-context.js';
import type { Play, Task } from './model.js';
import { checkNotify } from './notify-check.js';
import { buildRoleEntries } from './role-entries.js';
import { PlaySchema } from './schema/play.js';
import { serialSetting } from './serial.js';
import { buildTaskList } from './task-list.js';
import { isFile } from './files.js';
import type { TaskScope } from './task-scope.js';
import { checkKeywordExpressions } from './expressions.js';

export interface PlayContext {
  readonly file: string;
  /** the top playbook's directory (roles/ beside it are searched too) */
  readonly playbookDir: string;
  readonly chain: readonly string[];
}

export function buildPlay(ctx: LoadContext, raw: RawMap, pc: PlayContext, segments: Segments): Play | undefined {
  const errorsBefore = ctx.errorCount;
  ctx.check(PlaySchema, raw, pc.file, segments, { 'missing-key': 'E_MISSING_KEY' });
  checkKeywordExpressions(ctx, raw, pc.file, segments, ['pre_tasks', 'roles', 'tasks', 'post_tasks', 'handlers']);
  const baseDir = dirname(pc.file);
  const hosts = hostsOf(raw.hosts);
  if (hosts !== undefined) {
    const problem = hostPatternProblem(hosts);
    if (problem) ctx.error('E_HOST_PATTERN', `bad host pattern '${hosts}': ${problem}`, where(raw, ['hosts'], pc.file, segments));
  }
  const varsFiles = toStringList(raw.vars_files);
  checkVarsFiles(ctx, raw, varsFiles, baseDir, pc.file, segments);

  const handlers: Task[] = [];
  const scope: TaskScope = {
    file: pc.file,
    baseDir,
    chain: pc.chain,
    roleSearch: [...new Set([resolve(baseDir, 'roles'), resolve(pc.playbookDir, 'roles'), ...ctx.rolesPath.map((d) => resolve(d))])],
    handlers,
    rolesWithHandlers: new Set(),
  };
  const roleBlocks = buildRoleEntries(ctx, raw.roles, scope, [...segments, 'roles']);
  const preTasks = buildTaskList(ctx, raw.pre_tasks, scope, [...segments, 'pre_tasks']);
  const tasks = buildTaskList(ctx, raw.tasks, scope, [...segments, 'tasks']);
  const postTasks = buildTaskList(ctx, raw.post_tasks, scope, [...segments, 'post_tasks']);
  const playHandlers = buildHandlerList(ctx, raw.handlers, scope, [...segments, 'handlers']);
  const allHandlers = [...handlers, ...playHandlers];
  checkNotify(ctx, [preTasks, roleBlocks, tasks, postTasks], allHandlers);
  if (ctx.errorCount > errorsBefore || hosts === undefined) return undefined;

  const own = inheritable(raw);
  const serialItems = Array.isArray(raw.serial) ? raw.serial.map((_, i) => where(raw, ['serial', i], pc.file, segments)) : undefined;
  const serial = serialSetting(raw.serial, where(raw, ['serial'], pc.file, segments), serialItems);
  const forks = toNumber(raw.forks);
  const maxFail = toNumber(raw.max_fail_percentage);
  return {
    name: typeof raw.name === 'string' ? raw.name : hosts,
    hosts,
    hostsLocation: where(raw, ['hosts'], pc.file, segments),
    vars: toVars(raw.vars),
    varsFiles,
    baseDir,
    gatherFacts: toBool(raw.gather_facts) ?? true,
    roles: roleBlocks.flatMap((b) => (b.role ? [b.role] : [])),
    preTasks,
    tasks: [...roleBlocks, ...tasks],
    postTasks,
    handlers: allHandlers,
    tags: toTags(raw.tags),
    ...(own.become !== undefined ? { become: own.become } : {}),
    ...(own.becomeUser !== undefined ? { becomeUser: own.becomeUser } : {}),
    ...(own.environment !== undefined ? { environment: own.environment } : {}),
    ...(own.checkMode !== undefined ? { checkMode: own.checkMode } : {}),
    ...(own.diff !== undefined ? { diff: own.diff } : {}),
    ...(own.noLog !== undefined ? { noLog: own.noLog } : {}),
    ...(own.ignoreErrors !== undefined ? { ignoreErrors: own.ignoreErrors } : {}),
    ...(serial ? { serial } : {}),
    ...(forks !== undefined ? { forks } : {}),
    strategy: raw.strategy === 'free' ? 'free' : 'linear',
    ...(maxFail !== undefined ? { maxFailPercentage: maxFail } : {}),
    anyErrorsFatal: toBool(raw.any_errors_fatal) ?? false,
    location: { ...(locate(raw) ?? { file: pc.file }), field: fieldPath(segments) },
  };
}

function hostsOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((h) => typeof h === 'string')) return v.join(',');
  return undefined;
}

function checkVarsFiles(ctx: LoadContext, raw: RawMap, files: readonly string[], baseDir: string, file: string, segments: Segments): void {
  files.forEach((f, i) => {
    if (isTemplated(f) || isFile(resolve(baseDir, f))) return;
    const path = Array.isArray(raw.vars_files) ? ['vars_files', i] : ['vars_files'];
    ctx.error('E_FILE_NOT_FOUND', `vars_files: file not found: ${resolve(baseDir, f)}`, where(raw, path, file, segments));
  });
}
