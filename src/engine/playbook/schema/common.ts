/**
 * Schema pieces shared by plays, blocks, tasks and role entries. Each carries a
 * `title`, which is what error messages say was expected.
 */
import { Type } from '@sinclair/typebox';

const BOOL_WORDS = '^(?:[yY](?:es|ES)?|[nN](?:o|O)?|[tT](?:rue|RUE)|[fF](?:alse|ALSE)|[oO](?:n|N|ff|FF))$';

/** true/false, or the YAML 1.1 words Ansible users write (yes/no/on/off) */
export const Bool = Type.Union([Type.Boolean(), Type.String({ pattern: BOOL_WORDS })], {
  title: 'a boolean (true/false, yes/no)',
  'x-plural': 'booleans',
});

/** a whole number, also written as a string of digits */
export const Int = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^\\s*\\d+\\s*$' })], {
  title: 'a whole number',
  'x-plural': 'whole numbers',
});

export const NumberLike = Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: '^\\s*\\d+(\\.\\d+)?\\s*$' })], {
  title: 'a number',
});

export const StringList = Type.Union([Type.String(), Type.Array(Type.String())], {
  title: 'a string or a list of strings',
});

export const Tags = Type.Union([Type.String(), Type.Number(), Type.Array(Type.Union([Type.String(), Type.Number()]))], {
  title: 'a tag or a list of tags',
});

/** `when`, `changed_when`, `failed_when`, `until` */
export const Conditions = Type.Union([Type.String(), Type.Boolean(), Type.Array(Type.Union([Type.String(), Type.Boolean()]))], {
  title: 'a condition (string or boolean) or a list of conditions',
});

export const VarsMap = Type.Record(Type.String(), Type.Unknown(), { title: 'a mapping of variables' });

export const Environment = Type.Record(Type.String(), Type.Unknown(), { title: 'a mapping of environment variables' });

export const Identifier = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', title: 'a variable name (letters, digits, _)' });

export const TaskList = Type.Union([Type.Array(Type.Unknown()), Type.Null()], { title: 'a list of tasks' });

/** keywords plays, blocks and tasks share; children inherit what they do not set */
export const inheritableKeywords = {
  when: Type.Optional(Conditions),
  tags: Type.Optional(Tags),
  vars: Type.Optional(VarsMap),
  become: Type.Optional(Bool),
  become_user: Type.Optional(Type.String()),
  environment: Type.Optional(Environment),
  check_mode: Type.Optional(Bool),
  diff: Type.Optional(Bool),
  no_log: Type.Optional(Bool),
  ignore_errors: Type.Optional(Bool),
  delegate_to: Type.Optional(Type.String()),
  run_once: Type.Optional(Bool),
  /** at most this many hosts run the task at once (0: no limit beyond forks) */
  throttle: Type.Optional(Int),
  any_errors_fatal: Type.Optional(Bool),
};
