/**
 * The loaded, validated form of a playbook: what the loader produces and the
 * executor runs. Values inside (`args`, `vars`, conditions) are still raw,
 * untemplated YAML values; templating happens per host at run time. Every
 * node keeps the location it was written at.
 */
import type { SourceLocation } from '../errors.js';
import type { SerialSetting } from './serial.js';

export type { BatchSize, SerialSetting } from './serial.js';

export type Vars = Record<string, unknown>;

/** A role as applied in a play (or via include_role/import_role). */
export interface RoleInstance {
  readonly name: string;
  readonly dir: string;
  /** defaults/main.yml: lowest precedence */
  readonly defaults: Vars;
  /** vars/main.yml: above play vars */
  readonly vars: Vars;
  /** `vars:` given where the role is applied (`roles: [{role: x, vars: {...}}]`) */
  readonly params: Vars;
}

/** Settings shared by plays, blocks and tasks; a child inherits what it does not set. */
/** Settings a block, include or task sets for itself and what it holds; the nearest one set wins. */
export interface InheritedSettings {
  readonly become?: boolean;
  readonly becomeUser?: string;
  readonly checkMode?: boolean;
  readonly diff?: boolean;
  readonly noLog?: boolean;
  readonly ignoreErrors?: boolean;
  readonly delegateTo?: string;
  readonly runOnce?: boolean;
  /** at most this many hosts run a task at once; 0 or absent: only forks limits */
  readonly throttle?: number;
}

export interface Inheritable extends InheritedSettings {
  readonly when: readonly (string | boolean)[];
  readonly tags: readonly string[];
  readonly vars: Vars;
  readonly environment?: Vars;
  readonly any_errors_fatal?: boolean;
}

export interface LoopControl {
  readonly loopVar: string;
  readonly indexVar?: string;
  readonly label?: string;
  readonly pause?: number;
}

export interface Task extends Inheritable {
  readonly kind: 'task';
  readonly name?: string;
  /** module name as written: 'copy', 'ansible.builtin.copy' is normalised to 'copy' */
  readonly module: string;
  /** raw module arguments (free-form string already mapped to the module's free-form parameter) */
  readonly args: Vars;
  readonly loop?: unknown;
  readonly loopControl?: LoopControl;
  readonly register?: string;
  readonly changedWhen?: readonly (string | boolean)[];
  readonly failedWhen?: readonly (string | boolean)[];
  readonly until?: readonly (string | boolean)[];
  readonly retries?: number;
  readonly delay?: number;
  readonly notify: readonly string[];
  /** handler only: topics it listens to */
  readonly listen?: readonly string[];
  readonly role?: RoleInstance;
  readonly location: SourceLocation;
}

export interface Block extends Inheritable {
  readonly kind: 'block';
  readonly name?: string;
  readonly block: readonly TaskNode[];
  readonly rescue: readonly TaskNode[];
  readonly always: readonly TaskNode[];
  readonly role?: RoleInstance;
  readonly location: SourceLocation;
}

/** `include_tasks`: loaded when reached, per host, after templating its file name. */
export interface IncludeTasks extends Inheritable {
  readonly kind: 'include_tasks';
  readonly name?: string;
  /** raw (may be templated) path */
  readonly file: string;
  /** directory relative paths resolve against */
  readonly baseDir: string;
  readonly loop?: unknown;
  readonly loopControl?: LoopControl;
  readonly role?: RoleInstance;
  readonly location: SourceLocation;
}

/** `meta: flush_handlers` and friends. */
export interface Meta extends Inheritable {
  readonly kind: 'meta';
  readonly action: 'flush_handlers' | 'end_play' | 'end_host' | 'noop' | 'clear_facts' | 'refresh_inventory';
  readonly location: SourceLocation;
}

export type TaskNode = Task | Block | IncludeTasks | Meta;

export interface Play {
  readonly name: string;
  /** host pattern, raw (may be templated) */
  readonly hosts: string;
  /** where `hosts:` is written */
  readonly hostsLocation?: SourceLocation;
  readonly vars: Vars;
  /** vars_files, raw paths resolved against the playbook directory */
  readonly varsFiles: readonly string[];
  readonly baseDir: string;
  readonly gatherFacts: boolean;
  readonly roles: readonly RoleInstance[];
  /** each list already holds role tasks where Ansible puts them: roles run after pre_tasks, before tasks */
  readonly preTasks: readonly TaskNode[];
  readonly tasks: readonly TaskNode[];
  readonly postTasks: readonly TaskNode[];
  /** play handlers and role handlers */
  readonly handlers: readonly Task[];
  readonly tags: readonly string[];
  readonly become?: boolean;
  readonly becomeUser?: string;
  readonly environment?: Vars;
  readonly checkMode?: boolean;
  readonly diff?: boolean;
  readonly noLog?: boolean;
  readonly ignoreErrors?: boolean;
  /** batch sizes, or a template rendered before the run (see run/play-keywords.ts) */
  readonly serial?: SerialSetting;
  readonly forks?: number;
  readonly strategy: 'linear' | 'free';
  readonly maxFailPercentage?: number;
  readonly anyErrorsFatal: boolean;
  readonly location: SourceLocation;
}

export interface Playbook {
  readonly file: string;
  /** plays in order, with import_playbook already expanded */
  readonly plays: readonly Play[];
}
