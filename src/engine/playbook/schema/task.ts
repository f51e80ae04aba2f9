/**
 * Schemas of the task-list entries: tasks (keywords only: the module key is
 * found and checked separately), blocks, include/import of task files and
 * roles, and meta tasks.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Conditions, Identifier, inheritableKeywords, Int, NumberLike, StringList, TaskList, VarsMap } from './common.js';

export const LoopControlSchema = Type.Object(
  {
    loop_var: Type.Optional(Identifier),
    index_var: Type.Optional(Identifier),
    label: Type.Optional(Type.String()),
    pause: Type.Optional(NumberLike),
  },
  { additionalProperties: false, title: 'a loop_control mapping (loop_var, index_var, label, pause)' },
);

/** a list, or a template that gives one when rendered (`"{{ packages }}"`, checked then) */
const Loop = Type.Union([Type.Array(Type.Unknown()), Type.String({ pattern: '\\{\\{' })], {
  title: 'a list (or a template giving one)',
});

const loopKeywords = {
  loop: Type.Optional(Loop),
  with_items: Type.Optional(Loop),
  with_list: Type.Optional(Loop),
  loop_control: Type.Optional(LoopControlSchema),
};

/** A task's keywords (its module key removed before validation). */
export const TaskKeywordsSchema = Type.Object(
  {
    name: Type.Optional(Type.String()),
    ...inheritableKeywords,
    ...loopKeywords,
    register: Type.Optional(Identifier),
    changed_when: Type.Optional(Conditions),
    failed_when: Type.Optional(Conditions),
    until: Type.Optional(Conditions),
    retries: Type.Optional(Int),
    delay: Type.Optional(NumberLike),
    notify: Type.Optional(StringList),
    listen: Type.Optional(StringList),
    args: Type.Optional(VarsMap),
  },
  { additionalProperties: false },
);
export type RawTaskKeywords = Static<typeof TaskKeywordsSchema>;

export const BlockSchema = Type.Object(
  {
    name: Type.Optional(Type.String()),
    block: TaskList,
    rescue: Type.Optional(TaskList),
    always: Type.Optional(TaskList),
    ...inheritableKeywords,
  },
  { additionalProperties: false },
);
export type RawBlock = Static<typeof BlockSchema>;

const FileRef = Type.Union([Type.String({ minLength: 1 }), Type.Object({ file: Type.String({ minLength: 1 }) }, { additionalProperties: false })], {
  title: 'a file name',
});

export const IncludeTasksSchema = Type.Object(
  { include_tasks: FileRef, name: Type.Optional(Type.String()), ...inheritableKeywords, ...loopKeywords },
  { additionalProperties: false },
);
export type RawIncludeTasks = Static<typeof IncludeTasksSchema>;

export const ImportTasksSchema = Type.Object(
  { import_tasks: FileRef, name: Type.Optional(Type.String()), ...inheritableKeywords },
  { additionalProperties: false },
);
export type RawImportTasks = Static<typeof ImportTasksSchema>;

const RoleRef = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    tasks_from: Type.Optional(Type.String({ minLength: 1 })),
    handlers_from: Type.Optional(Type.String({ minLength: 1 })),
    vars_from: Type.Optional(Type.String({ minLength: 1 })),
    defaults_from: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const ImportRoleSchema = Type.Object(
  { import_role: Type.Optional(RoleRef), include_role: Type.Optional(RoleRef), name: Type.Optional(Type.String()), ...inheritableKeywords },
  { additionalProperties: false },
);
export type RawImportRole = Static<typeof ImportRoleSchema>;

export const META_ACTIONS = ['flush_handlers', 'end_play', 'end_host', 'noop', 'clear_facts', 'refresh_inventory'] as const;

export const MetaSchema = Type.Object(
  {
    meta: Type.Union(META_ACTIONS.map((a) => Type.Literal(a))),
    name: Type.Optional(Type.String()),
    when: Type.Optional(Conditions),
    tags: Type.Optional(inheritableKeywords.tags),
  },
  { additionalProperties: false },
);
export type RawMeta = Static<typeof MetaSchema>;

/** every keyword a task-list entry may have besides its module (for did-you-mean) */
export const TASK_KEYWORDS: readonly string[] = [
  ...new Set([
    ...Object.keys(TaskKeywordsSchema.properties),
    ...Object.keys(BlockSchema.properties),
    'include_tasks',
    'import_tasks',
    'import_role',
    'include_role',
    'meta',
  ]),
];
