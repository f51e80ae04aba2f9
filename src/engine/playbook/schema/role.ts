/** `roles:` entries and a role's meta/main.yml. */
import { Type, type Static } from '@sinclair/typebox';
import { Bool, inheritableKeywords } from './common.js';

export const RoleEntryObjectSchema = Type.Object(
  {
    role: Type.Optional(Type.String({ minLength: 1 })),
    name: Type.Optional(Type.String({ minLength: 1 })),
    ...inheritableKeywords,
  },
  { additionalProperties: false },
);
export type RawRoleEntry = Static<typeof RoleEntryObjectSchema>;

export const RoleMetaSchema = Type.Object(
  {
    dependencies: Type.Optional(Type.Union([Type.Array(Type.Unknown()), Type.Null()], { title: 'a list of roles' })),
    galaxy_info: Type.Optional(Type.Unknown()),
    allow_duplicates: Type.Optional(Bool),
  },
  { additionalProperties: false },
);
export type RawRoleMeta = Static<typeof RoleMetaSchema>;
