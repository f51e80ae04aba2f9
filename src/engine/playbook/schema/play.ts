/** The schema of one play, and of an `import_playbook` entry. */
import { Type, type Static } from '@sinclair/typebox';
import { Bool, Environment, Int, NumberLike, StringList, Tags, TaskList, VarsMap } from './common.js';

const SerialItem = Type.Union(
  [Type.Integer({ minimum: 0 }), Type.String({ pattern: '^(?:\\s*\\d+(?:\\.\\d+)?\\s*%?\\s*|.*\\{\\{.*)$' })],
  { title: 'a number or a percentage ("30%")', 'x-plural': 'numbers or percentages' },
);

export const Serial = Type.Union([SerialItem, Type.Array(SerialItem, { minItems: 1 })], {
  title: 'a number, a percentage ("30%") or a list of them',
});

export const Strategy = Type.Union([Type.Literal('linear'), Type.Literal('free')]);

export const PlaySchema = Type.Object(
  {
    name: Type.Optional(Type.String()),
    hosts: Type.Union([Type.String(), Type.Array(Type.String())], { title: 'a host pattern or a list of host patterns' }),
    vars: Type.Optional(VarsMap),
    vars_files: Type.Optional(StringList),
    gather_facts: Type.Optional(Bool),
    pre_tasks: Type.Optional(TaskList),
    roles: Type.Optional(Type.Union([Type.Array(Type.Unknown()), Type.Null()], { title: 'a list of roles' })),
    tasks: Type.Optional(TaskList),
    post_tasks: Type.Optional(TaskList),
    handlers: Type.Optional(TaskList),
    tags: Type.Optional(Tags),
    become: Type.Optional(Bool),
    become_user: Type.Optional(Type.String()),
    environment: Type.Optional(Environment),
    serial: Type.Optional(Serial),
    forks: Type.Optional(Int),
    strategy: Type.Optional(Strategy),
    max_fail_percentage: Type.Optional(NumberLike),
    any_errors_fatal: Type.Optional(Bool),
    check_mode: Type.Optional(Bool),
    diff: Type.Optional(Bool),
    no_log: Type.Optional(Bool),
    ignore_errors: Type.Optional(Bool),
  },
  { additionalProperties: false },
);
export type RawPlay = Static<typeof PlaySchema>;

export const ImportPlaybookSchema = Type.Object(
  {
    import_playbook: Type.String({ minLength: 1 }),
    name: Type.Optional(Type.String()),
    tags: Type.Optional(Tags),
    vars: Type.Optional(VarsMap),
  },
  { additionalProperties: false },
);
export type RawImportPlaybook = Static<typeof ImportPlaybookSchema>;
