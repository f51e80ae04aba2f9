/**
 * Roles: found in the search directories (`roles/` beside the playbook, then
 * opts.rolesPath), loaded from tasks/, handlers/, defaults/, vars/ and meta/
 * (main.yml or main.yaml). A role applied in a play becomes a Block with
 * `role` set, its dependencies' blocks first; its handlers join the play's.
 */
import { readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { SourceLocation } from '../errors.js';
import { nearest } from '../validate/did-you-mean.js';
import { findYaml, isDir } from './files.js';
import { isMapping } from './keywords.js';
import { where, type LoadContext } from './load-context.js';
import type { Block, RoleInstance, Task, TaskNode, Vars } from './model.js';
import { RoleMetaSchema } from './schema/role.js';
import { buildHandlerList } from './handlers.js';
import { buildRoleEntries } from './role-entries.js';
import { loadTaskFile } from './task-files.js';
import type { TaskScope } from './task-scope.js';
import { checkTemplates } from './expressions.js';

export interface RoleRequest {
  readonly name: string;
  /** `vars:` where the role is applied */
  readonly params: Vars;
  /** where the role is named (errors point here) */
  readonly at: SourceLocation;
  /** the scope the role is applied from */
  readonly scope: TaskScope;
  readonly tasksFrom?: string;
  readonly handlersFrom?: string;
  readonly varsFrom?: string;
  readonly defaultsFrom?: string;
}

export interface LoadedRole {
  readonly instance: RoleInstance;
  /** the role's tasks as a block (no keywords of its own yet) */
  readonly block: Block;
  readonly handlers: readonly Task[];
}

/** Finds a role directory; records an error naming the searched directories when missing. */
export function findRole(ctx: LoadContext, name: string, at: SourceLocation, search: readonly string[]): string | undefined {
  if (isAbsolute(name)) {
    if (isDir(name)) return name;
  } else {
    for (const dir of search) if (isDir(join(dir, name))) return resolve(dir, name);
  }
  const known = search.flatMap((d) => (isDir(d) ? readdirSync(d).filter((n) => isDir(join(d, n))) : []));
  const suggestion = nearest(name, known);
  ctx.error(
    'E_ROLE_NOT_FOUND',
    `role '${name}' not found${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
    at,
    `searched: ${search.length ? search.join(', ') : '(no role directories)'}`,
  );
  return undefined;
}

export function importRole(ctx: LoadContext, req: RoleRequest): LoadedRole | undefined {
  const ancestors = roleAncestors(req.scope);
  const dir = findRole(ctx, req.name, req.at, req.scope.roleSearch);
  if (!dir) return undefined;
  if (ancestors.includes(dir)) {
    ctx.error('E_ROLE_CYCLE', `role dependency cycle: ${[...ancestors, dir].map((d) => d.split('/').pop()).join(' → ')}`, req.at);
    return undefined;
  }
  const instance: RoleInstance = {
    name: req.name,
    dir,
    defaults: readVarsFile(ctx, dir, 'defaults', req.defaultsFrom ?? 'main', req.defaultsFrom !== undefined, req.at),
    vars: readVarsFile(ctx, dir, 'vars', req.varsFrom ?? 'main', req.varsFrom !== undefined, req.at),
    params: req.params,
  };
  const tasksDir = join(dir, 'tasks');
  const scope: TaskScope = {
    ...req.scope,
    file: req.scope.file,
    baseDir: tasksDir,
    role: instance,
    chain: [...req.scope.chain],
  };
  const dependencies = loadDependencies(ctx, dir, scope, ancestors);
  const tasks = roleTasks(ctx, tasksDir, req, scope);
  const handlers = roleHandlers(ctx, dir, req, scope);
  if (req.scope.handlers && !req.scope.rolesWithHandlers?.has(dir)) {
    req.scope.handlers.push(...handlers);
    req.scope.rolesWithHandlers?.add(dir);
  }
  const block: Block = {
    kind: 'block',
    when: [],
    tags: [],
    vars: {},
    name: req.name,
    block: [...dependencies, ...tasks],
    rescue: [],
    always: [],
    role: instance,
    location: req.at,
  };
  return { instance, block, handlers };
}

function roleAncestors(scope: TaskScope): readonly string[] {
  return scope.roleAncestors ?? [];
}

function roleTasks(ctx: LoadContext, tasksDir: string, req: RoleRequest, scope: TaskScope): TaskNode[] {
  const file = findYaml(tasksDir, req.tasksFrom ?? 'main');
  if (!file) {
    if (req.tasksFrom) ctx.error('E_FILE_NOT_FOUND', `role '${req.name}' has no tasks file '${req.tasksFrom}' in ${tasksDir}`, req.at);
    return [];
  }
  return loadTaskFile(ctx, file, scope);
}

function roleHandlers(ctx: LoadContext, dir: string, req: RoleRequest, scope: TaskScope): Task[] {
  const file = findYaml(join(dir, 'handlers'), req.handlersFrom ?? 'main');
  if (!file) {
    if (req.handlersFrom) ctx.error('E_FILE_NOT_FOUND', `role '${req.name}' has no handlers file '${req.handlersFrom}'`, req.at);
    return [];
  }
  const read = ctx.read(file);
  if (!read) return [];
  return buildHandlerList(ctx, read.value, { ...scope, file, chain: [...scope.chain, file], baseDir: join(dir, 'handlers') }, []);
}

function readVarsFile(ctx: LoadContext, dir: string, sub: string, base: string, required: boolean, at: SourceLocation): Vars {
  const file = findYaml(join(dir, sub), base);
  if (!file) {
    if (required) ctx.error('E_FILE_NOT_FOUND', `role has no ${sub} file '${base}' in ${join(dir, sub)}`, at);
    return {};
  }
  const read = ctx.read(file);
  if (!read || read.value === null) return {};
  if (!isMapping(read.value)) {
    ctx.error('E_TYPE', `${sub}/${base} must be a mapping of variables`, where(read.value, [], file));
    return {};
  }
  checkTemplates(ctx, read.value, [], file, []);
  return { ...read.value };
}

/** meta/main.yml `dependencies:`: each a role entry, applied before the role's own tasks. */
function loadDependencies(ctx: LoadContext, dir: string, scope: TaskScope, ancestors: readonly string[]): TaskNode[] {
  const file = findYaml(join(dir, 'meta'), 'main');
  if (!file) return [];
  const read = ctx.read(file);
  if (!read || read.value === null) return [];
  if (!isMapping(read.value)) {
    ctx.error('E_TYPE', 'meta/main.yml must be a mapping', where(read.value, [], file));
    return [];
  }
  if (!ctx.check(RoleMetaSchema, read.value, file, [])) return [];
  const deps = read.value.dependencies;
  if (!Array.isArray(deps)) return [];
  const depScope: TaskScope = { ...scope, file, roleAncestors: [...ancestors, dir] };
  return buildRoleEntries(ctx, deps, depScope, ['dependencies']);
}
