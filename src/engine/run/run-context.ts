/**
 * What the executor needs from the rest of the engine, as small ports, and
 * the per-run context that carries them. Nothing here is global: a run builds
 * one RunContext and passes it down.
 */
import type { SourceLocation } from '../errors.js';
import type { AnyModule } from '../module.js';
import type { Redactor } from '../secret.js';
import type { ConnectionSettings } from '../transport/transport.js';
import type { Play, RoleInstance, TaskNode } from '../playbook/model.js';
import type { Vars } from '../vars/precedence.js';
import type { EventSink } from './events.js';
import type { ConnectionPool } from './connections.js';
import type { HostStates } from './host-state.js';
import type { TagSelection } from './tags.js';

export interface TemplateEngine {
  /** deep render; a single-expression string keeps its value's type */
  render(value: unknown, vars: Vars, where?: SourceLocation): unknown;
  renderString(text: string, vars: Vars, where?: SourceLocation): string;
}

export interface ConditionEngine {
  /** every condition holds (an empty list holds) */
  holds(conditions: readonly (string | boolean)[], vars: Vars, where?: SourceLocation): boolean;
}

export interface InventoryView {
  hostVars(host: string): Vars;
  groupNames(host: string): string[];
  groups(): Record<string, string[]>;
  match(pattern: string): { hosts: string[]; warnings: string[] };
  connectionSettings(host: string, vars: Vars): ConnectionSettings;
}

export interface ModuleLookup {
  get(name: string): AnyModule | undefined;
}

export interface ParamsValidator {
  /** validates templated arguments against the module's schema, applying defaults */
  validate(module: AnyModule, args: Vars, where: SourceLocation): Vars;
}

export interface TaskFileLoader {
  /** include_tasks: loads and validates a task file when it is reached */
  loadTasks(file: string, baseDir: string, role: RoleInstance | undefined, where: SourceLocation): readonly TaskNode[];
  /** vars_files */
  loadVars(file: string, baseDir: string, where: SourceLocation): Vars;
}

export interface FactGatherer {
  gather(probe: (command: string) => Promise<{ exitCode: number; stdout: string; stderr: string }>): Promise<Vars>;
}

export interface RunOptions {
  readonly check: boolean;
  readonly diff: boolean;
  readonly tags: TagSelection;
  readonly forks: number;
  readonly verbosity: number;
  readonly limit?: string;
  readonly startAtTask?: string;
  /** -b / --become-user from the command line */
  readonly become?: boolean;
  readonly becomeUser?: string;
  readonly playbookDir: string;
}

export interface RunContext {
  readonly options: RunOptions;
  readonly inventory: InventoryView;
  readonly modules: ModuleLookup;
  readonly params: ParamsValidator;
  readonly templates: TemplateEngine;
  readonly conditions: ConditionEngine;
  readonly files: TaskFileLoader;
  readonly facts: FactGatherer;
  readonly redactor: Redactor;
  readonly sink: EventSink;
  readonly connections: ConnectionPool;
  readonly hosts: HostStates;
  readonly extraVars: Vars;
  /** the `hostvars` magic variable: a live view over every host */
  readonly hostvars: Vars;
  /** set when the user interrupts: nothing new is scheduled */
  readonly signal: AbortSignal;
  /** --start-at-task: becomes false once the task is reached */
  startAtPending: boolean;
}

/** What one play run knows beyond the RunContext. */
export interface PlayScope {
  readonly play: Play;
  /** every host of the play (all batches) */
  readonly playHosts: readonly string[];
  /** the hosts of the current serial batch */
  batch: readonly string[];
  /** vars_files values, per host (paths may be templated per host) */
  readonly varsFiles: Map<string, Vars>;
  /** stop the play after the current task (any_errors_fatal, max_fail_percentage) */
  aborted: boolean;
}
