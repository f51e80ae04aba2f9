/**
 * `roles:` entries (a play's, or a role's meta dependencies): a name, or
 * `{role: name, vars: {...}, tags, when, become, ...}`. Each becomes the role's
 * block carrying the entry's keywords, so its tasks inherit them.
 */
import { describeValue } from '../validate/describe.js';
import { fieldPath, locate } from '../yaml/load.js';
import { inheritable, isMapping, toVars } from './keywords.js';
import { where, type LoadContext, type Segments } from './load-context.js';
import type { Block } from './model.js';
import { importRole } from './roles.js';
import { RoleEntryObjectSchema } from './schema/role.js';
import type { TaskScope } from './task-scope.js';
import { checkKeywordExpressions } from './expressions.js';

export function buildRoleEntries(ctx: LoadContext, entries: unknown, scope: TaskScope, segments: Segments): Block[] {
  if (entries === null || entries === undefined) return [];
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((_entry, i) => {
    const block = buildRoleEntry(ctx, entries, i, scope, [...segments, i]);
    return block ? [block] : [];
  });
}

function buildRoleEntry(ctx: LoadContext, list: readonly unknown[], i: number, scope: TaskScope, segments: Segments): Block | undefined {
  const entry = list[i];
  const at = { ...(locate(list, i) ?? { file: scope.file }), field: fieldPath(segments) };
  if (typeof entry === 'string') {
    const loaded = importRole(ctx, { name: entry, params: {}, at, scope });
    return loaded?.block;
  }
  if (!isMapping(entry)) {
    ctx.error('E_TYPE', `expected a role name or a mapping with 'role:', got ${describeValue(entry)}`, at);
    return undefined;
  }
  const valid = ctx.check(RoleEntryObjectSchema, entry, scope.file, segments);
  checkKeywordExpressions(ctx, entry, scope.file, segments, ['role', 'name']);
  if (!valid) return undefined;
  const name = typeof entry.role === 'string' ? entry.role : typeof entry.name === 'string' ? entry.name : undefined;
  if (name === undefined) {
    ctx.error('E_MISSING_KEY', "role entry has no 'role:' naming the role", where(entry, [], scope.file, segments));
    return undefined;
  }
  const key = typeof entry.role === 'string' ? 'role' : 'name';
  const loaded = importRole(ctx, { name, params: toVars(entry.vars), at: where(entry, [key], scope.file, segments), scope });
  if (!loaded) return undefined;
  // the entry's vars are the role's params (RoleInstance.params), not block vars
  return { ...loaded.block, ...inheritable({ ...entry, vars: undefined }), location: at };
}
