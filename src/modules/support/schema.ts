/**
 * Parameter fragments shared by the file modules, so `mode`, `owner`,
 * `group`, `backup` and `validate` mean the same everywhere and are documented
 * once; and JSON Schema helpers for Ansible's argument-spec rules
 * (mutually_exclusive, required_one_of), so the schema rejects bad
 * combinations before `check` runs.
 */
import { Type } from '../../engine/module.js';

/**
 * `mode`: a number or a string, and each stays what it is. Ansible's rule
 * hangs on the type (420 is 0644, "420" is 0420), so this must not be a
 * union: ajv's coerceTypes tries an anyOf's branches in order and turns 420
 * into "420" in a string branch (or "0644" into 644 in an integer one). With
 * one `type` list ajv coerces only a value of neither type, to the first that
 * takes it: `true` becomes "true", refused as a mode.
 */
export const modeParam = Type.Unsafe<string | number>({
  type: ['string', 'integer'],
  description:
    'Permissions of the file: a number is the numeric mode (unquoted `0644` is YAML 1.1 octal, 420, so 0644, as in Ansible); a string is octal ("0644", "644", "0o644") or symbolic ("u=rw,g=r,o=r", "u+x"); beware `"420"` is 0420 and `644` (a decimal number) is 01204. Unset: new files get 0644 (directories 0755), existing ones keep theirs.',
});

export const attributeParams = {
  mode: Type.Optional(modeParam),
  owner: Type.Optional(Type.String({ description: 'User that should own the file (name or uid). Unset: kept, or the connecting user for new files.' })),
  group: Type.Optional(Type.String({ description: 'Group that should own the file (name or gid). Unset: kept, or the user\'s group for new files.' })),
};

export const backupParam = {
  backup: Type.Boolean({
    default: false,
    description: 'Keep a copy of the old file as `<path>.<pid>.<YYYY-MM-DD@HH:MM:SS>~` before changing it; the copy\'s path is registered as `backup_file`.',
  }),
};

export const validateParam = {
  validate: Type.Optional(
    Type.String({
      pattern: '%s',
      description:
        'Command run on the new content before it replaces the file; `%s` is the path of a temporary file holding it (e.g. `visudo -cf %s`). A non-zero exit fails the task and leaves the file untouched.',
    }),
  ),
};

/** Schema options: no two of each group may be given together. */
export function mutuallyExclusive(...groups: readonly (readonly string[])[]): { not: { anyOf: { required: string[] }[] } } | Record<string, never> {
  const pairs: { required: string[] }[] = [];
  for (const g of groups) for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) pairs.push({ required: [g[i]!, g[j]!] });
  return pairs.length ? { not: { anyOf: pairs } } : {};
}

/** Schema fragment: at least one of these keys must be given. */
export function requiredOneOf(...keys: readonly string[]): { anyOf: { required: string[] }[] } {
  return { anyOf: keys.map((k) => ({ required: [k] })) };
}
