/** Where a task list is being loaded: its file, how relative paths resolve, its role. */
import type { RoleInstance, Task } from './model.js';

export interface TaskScope {
  /** the file the list is written in */
  readonly file: string;
  /** directory relative task files resolve against (a role's tasks/ inside a role) */
  readonly baseDir: string;
  readonly role?: RoleInstance;
  /** files being imported, outermost first (import cycle detection) */
  readonly chain: readonly string[];
  /** directories searched for roles, in order */
  readonly roleSearch: readonly string[];
  /** where handlers of roles imported by tasks go (the play's handlers); absent: nowhere */
  readonly handlers?: Task[];
  /** role directories whose handlers were already added */
  readonly rolesWithHandlers?: Set<string>;
  /** role directories being loaded through meta dependencies (cycle detection) */
  readonly roleAncestors?: readonly string[];
}
