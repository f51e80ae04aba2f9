/**
 * Before any host is contacted: variables that templates and conditions use
 * but that nothing defines anywhere (inventory, group_vars, play vars,
 * vars_files, roles, task and block vars, register, set_fact, loop variables,
 * extra vars, facts, magic variables). Such a variable can only fail at run
 * time, halfway through, so it is reported with the input errors instead.
 *
 * The check is conservative: a play whose variables cannot all be known in
 * advance (include_tasks, templated vars_files, project modules that set
 * facts) is skipped rather than risk a false alarm, and uses guarded by
 * `default`, `defined` or `is defined` never count.
 */
import { UndefinedVariableError, type SourceLocation } from '../errors.js';
import { referencedVariables } from '../expr/index.js';
import { hostVariables, type Inventory } from '../inventory/index.js';
import type { Play, Playbook, Task, TaskNode } from '../playbook/model.js';
import type { Vars } from '../vars/precedence.js';

const MAGIC = [
  'inventory_hostname',
  'inventory_hostname_short',
  'groups',
  'group_names',
  'hostvars',
  'play_hosts',
  'ansible_play_hosts',
  'ansible_play_hosts_all',
  'ansible_play_batch',
  'ansible_play_name',
  'playbook_dir',
  'check_mode',
  'ansible_check_mode',
  'ansible_diff_mode',
  'omit',
  'role_name',
  'role_path',
  'item',
  'ansible_loop_var',
  'ansible_facts',
  'environment',
];

/** What the check needs to know of the modules tasks name. */
export interface ModulesSeen {
  /** built-in modules set no facts beyond set_fact's */
  readonly isBuiltin: (module: string) => boolean;
  /** the module's parameters that are conditions (assert: that), not templates */
  readonly conditionParams: (module: string) => readonly string[];
}

const BUILTIN_MODULES_SETTING_FACTS = new Set(['set_fact']);

export function checkUndefinedVariables(
  playbooks: readonly Playbook[],
  inv: Inventory,
  extraVars: Vars,
  modules: ModulesSeen,
): UndefinedVariableError[] {
  const isBuiltin = modules.isBuiltin;
  const global = new Set<string>([...MAGIC, ...Object.keys(extraVars)]);
  for (const host of inv.hosts.keys()) for (const k of Object.keys(hostVariables(inv, host))) global.add(k);
  for (const g of inv.groups.values()) for (const k of Object.keys(g.vars)) global.add(k);
  // register and set_fact results outlive their play: collect them across all plays first
  const runWide = new Set<string>();
  for (const pb of playbooks) for (const play of pb.plays) for (const t of playTasks(play)) collectDefinitions(t, runWide);

  const errors: UndefinedVariableError[] = [];
  const seen = new Set<string>();
  for (const pb of playbooks) {
    for (const play of pb.plays) {
      if (!checkable(play, isBuiltin)) continue;
      const known = new Set([...global, ...runWide, ...Object.keys(play.vars)]);
      for (const r of play.roles) for (const k of [...Object.keys(r.defaults), ...Object.keys(r.vars), ...Object.keys(r.params)]) known.add(k);
      for (const t of playNodes(play)) for (const k of Object.keys(t.vars)) known.add(k);
      for (const { text, kind, where } of playUses(play, modules.conditionParams)) {
        for (const name of referencedVariables(text, kind)) {
          if (known.has(name) || name.startsWith('ansible_') || guarded(String(text), name)) continue;
          const key = `${name}\u0000${where.file}:${where.line}`;
          if (seen.has(key)) continue;
          seen.add(key);
          errors.push(new UndefinedVariableError(name, String(text).trim(), { location: where }));
        }
      }
    }
  }
  return errors;
}

/** A play whose variables can all be known before it runs. */
function checkable(play: Play, isBuiltin: (module: string) => boolean): boolean {
  if (play.varsFiles.length) return false;
  // include_tasks files and project modules (which may set facts) can define variables we cannot see
  return playNodes(play).every((n) => n.kind !== 'include_tasks' && (n.kind !== 'task' || isBuiltin(n.module)));
}

function collectDefinitions(t: TaskNode, out: Set<string>): void {
  if (t.kind !== 'task') return;
  if (t.register) out.add(t.register);
  if (BUILTIN_MODULES_SETTING_FACTS.has(t.module)) for (const k of Object.keys(t.args)) out.add(k);
  if (t.loopControl?.loopVar) out.add(t.loopControl.loopVar);
  if (t.loopControl?.indexVar) out.add(t.loopControl.indexVar);
}

/** `default x`, `defined x`, `x is defined`, `x | default(...)`: uses that are allowed to be undefined. */
function guarded(text: string, name: string): boolean {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const path = `${n}(?:\\.[\\w-]+|\\[[^\\]]*\\])*`;
  return (
    new RegExp(`\\b(?:default|defined|undefined)\\s+\\(?\\s*${path}`).test(text) ||
    new RegExp(`\\b${path}\\s+is\\s+(?:not\\s+)?(?:defined|undefined)\\b`).test(text) ||
    new RegExp(`\\b${path}\\s*\\|\\s*default\\b`).test(text)
  );
}

function playNodes(play: Play): TaskNode[] {
  const out: TaskNode[] = [];
  const walk = (nodes: readonly TaskNode[]): void => {
    for (const n of nodes) {
      out.push(n);
      if (n.kind === 'block') walk([...n.block, ...n.rescue, ...n.always]);
    }
  };
  walk([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers]);
  return out;
}

function playTasks(play: Play): Task[] {
  return playNodes(play).filter((n): n is Task => n.kind === 'task');
}

interface Use {
  readonly text: string | boolean;
  readonly kind: 'template' | 'condition';
  readonly where: SourceLocation;
}

function playUses(play: Play, conditionParams: (module: string) => readonly string[]): Use[] {
  const uses: Use[] = [];
  const templates = (v: unknown, where: SourceLocation): void => {
    if (typeof v === 'string') {
      if (v.includes('{{')) uses.push({ text: v, kind: 'template', where });
    } else if (Array.isArray(v)) for (const x of v) templates(x, where);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) templates(x, where);
  };
  const conditions = (list: readonly (string | boolean)[] | undefined, where: SourceLocation): void => {
    for (const c of list ?? []) if (typeof c === 'string') uses.push({ text: c, kind: 'condition', where });
  };
  templates(play.hosts, play.location);
  for (const n of playNodes(play)) {
    conditions(n.when, n.location);
    templates(n.vars, n.location);
    if (n.kind === 'task') {
      // loop variables are defined inside the loop: a task with a loop sees `item` (or loop_var)
      templates(n.args, n.location);
      templates(n.loop, n.location);
      templates(n.delegateTo, n.location);
      templates(n.environment, n.location);
      conditions(n.changedWhen, n.location);
      conditions(n.failedWhen, n.location);
      conditions(n.until, n.location);
      for (const param of conditionParams(n.module)) {
        const value = n.args[param];
        conditions(Array.isArray(value) ? (value as (string | boolean)[]) : typeof value === 'string' ? [value] : [], n.location);
      }
    }
  }
  return uses;
}
