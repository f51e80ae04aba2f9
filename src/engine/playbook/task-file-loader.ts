/**
 * The executor's TaskFileLoader port: `include_tasks` files reached at run
 * time and `vars_files`, loaded and validated like the playbook (all errors at
 * once, with locations).
 */
import { dirname, resolve } from 'node:path';
import type { SourceLocation } from '../errors.js';
import { isFile } from './files.js';
import { isMapping } from './keywords.js';
import { LoadContext, where } from './load-context.js';
import type { LoadOptions } from './load-options.js';
import type { RoleInstance, TaskNode, Vars } from './model.js';
import { loadTaskFile } from './task-files.js';
import { checkTemplates } from './expressions.js';

export interface TaskFileLoader {
  loadTasks(file: string, baseDir: string, role: RoleInstance | undefined, where: SourceLocation): readonly TaskNode[];
  loadVars(file: string, baseDir: string, where: SourceLocation): Vars;
}

export function createTaskFileLoader(opts: LoadOptions & { readonly playbookDir: string }): TaskFileLoader {
  return {
    loadTasks(file, baseDir, role, at) {
      const ctx = new LoadContext(opts);
      const path = resolve(baseDir, file);
      if (!isFile(path)) ctx.error('E_FILE_NOT_FOUND', `include_tasks: file not found: ${path}`, at);
      const tasks = ctx.errorCount
        ? []
        : loadTaskFile(ctx, path, {
            file: path,
            baseDir: role ? baseDir : dirname(path),
            ...(role ? { role } : {}),
            chain: [],
            roleSearch: [...new Set([resolve(opts.playbookDir, 'roles'), ...(opts.rolesPath ?? []).map((d) => resolve(d))])],
          });
      ctx.throwIfErrors();
      return tasks;
    },
    loadVars(file, baseDir, at) {
      const ctx = new LoadContext(opts);
      const path = resolve(baseDir, file);
      if (!isFile(path)) ctx.error('E_FILE_NOT_FOUND', `vars_files: file not found: ${path}`, at);
      const read = ctx.errorCount ? undefined : ctx.read(path);
      if (read && read.value !== null && !isMapping(read.value)) ctx.error('E_TYPE', 'a vars file must be a mapping of variables', where(read.value, [], path));
      else if (read) checkTemplates(ctx, read.value, [], path, []);
      ctx.throwIfErrors();
      return read && isMapping(read.value) ? { ...read.value } : {};
    },
  };
}
