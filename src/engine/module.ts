/**
 * The module contract. A module is one file that default-exports
 * `defineModule({...})`:
 *
 *  - `params`: one TypeBox schema. It is both the ajv validation of the task's
 *    arguments and (through `Static`) the TypeScript type `check` and `apply`
 *    receive, and it generates `tsplay modules` docs. One source of truth.
 *  - `check(ctx, params)`: read-only. Looks at the host through `ctx` and
 *    returns a Plan: whether anything would change, the diff, the result to
 *    register. It cannot write: its context has no write methods.
 *  - `apply(ctx, plan, params)`: carries the plan out. The engine calls it only
 *    when the plan says `changed` and the task is not in check mode, so modules
 *    never test for check mode themselves.
 *
 * Modules see only this file's types: never the CLI, ssh2 or the executor.
 */
import type { Static, TSchema } from '@sinclair/typebox';

export { Type } from '@sinclair/typebox';
export type { Static, TSchema } from '@sinclair/typebox';
export { ModuleFailure, TsplayError, type SourceLocation } from './errors.js';
export { Secret } from './secret.js';
import type { SourceLocation } from './errors.js';
export { quote, sh } from './transport/shell-quote.js';
import type { HttpClient, HttpReader } from './transport/http-api.js';
import type { KubeClient, KubeReader } from './transport/kube-api.js';
import type { Probe } from './probe.js';
export { defineProbe, type Probe } from './probe.js';
export type { HttpClient, HttpReader, HttpRequest, HttpResponse, ReadRequest } from './transport/http-api.js';
export type { ApplyOptions, EvictionOutcome, KubeClient, KubeObject, KubeReader, KubeResource, ListOptions, ObjectRef } from './transport/kube-api.js';
export { KubeApiError } from './transport/kubernetes/errors.js';
export { HttpError } from './transport/http/errors.js';

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandOptions {
  readonly stdin?: string | Buffer;
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/** What `ctx.stat` tells about a path on the host. */
export interface FileInfo {
  readonly path: string;
  readonly type: 'file' | 'directory' | 'link' | 'other';
  /** permission bits as a 4-digit octal string, e.g. "0644" */
  readonly mode: string;
  readonly uid: number;
  readonly gid: number;
  readonly owner: string;
  readonly group: string;
  readonly size: number;
  /** modification time, seconds since the epoch */
  readonly mtime: number;
  /** where a symlink points (type 'link') */
  readonly linkTarget?: string;
  /** sha256 of a regular file's content, when asked for */
  readonly checksum?: string;
}

/** One change to show under --diff. Text before/after gives a unified diff; objects give a structured diff. */
export interface Diff {
  /** what changes: a path, a package name, an object id */
  readonly label: string;
  readonly before?: string | Readonly<Record<string, unknown>> | readonly unknown[] | undefined;
  readonly after?: string | Readonly<Record<string, unknown>> | readonly unknown[] | undefined;
}

/**
 * What a path will look like once the plan is applied. Under --check nothing is
 * applied, so the engine remembers these per host and answers later `stat` and
 * `readFile` calls from them: a task that writes into a directory an earlier
 * task would create is then predicted correctly instead of failing.
 */
export interface FileEffect {
  readonly path: string;
  readonly state: 'file' | 'directory' | 'link' | 'absent';
  /** content of a file, when known */
  readonly content?: string | Buffer;
  readonly mode?: string;
  readonly owner?: string;
  readonly group?: string;
  /** target of a link */
  readonly src?: string;
}

/** What every plan may say, whether it changes the host or not. */
interface PlanCommon {
  /** one line for humans: what is (or would be) done */
  readonly summary?: string;
  readonly diff?: readonly Diff[];
  /** fields registered for the task, in check mode too (stat results, debug msg, ...) */
  readonly result?: Readonly<Record<string, unknown>>;
  /** variables to set on the host; only for modules that declare `setsFacts` */
  readonly facts?: Readonly<Record<string, unknown>>;
}

/** Nothing to do: the engine never calls `apply` for it. */
export interface UnchangedPlan extends PlanCommon {
  readonly changed: false;
  /** nothing to carry out, so nothing to carry over to apply */
  readonly state?: never;
  readonly effects?: never;
}

/** `state` is required exactly when the module's state type does not allow undefined. */
type PlanState<S> = undefined extends S ? { readonly state?: S } : { readonly state: S };

/**
 * Something to do: `apply` receives this plan, with the `state` its `check` computed.
 *
 * `changed: 'unknown'` says check cannot know whether the run would change anything
 * (a command without `creates`/`removes`): a real run applies it and its outcome decides;
 * under --check the task is reported as not run ("would have run"), never as ok.
 */
export type ChangedPlan<S = undefined> = PlanCommon &
  PlanState<S> & {
    readonly changed: true | 'unknown';
    /** the files this plan creates, changes or removes (see FileEffect) */
    readonly effects?: readonly FileEffect[];
  };

/** What `check` returns: either nothing to do, or a change and the state to carry it out. */
export type Plan<S = undefined> = UnchangedPlan | ChangedPlan<S>;

export interface ApplyOutcome {
  /** fields registered for the task, merged over the plan's result */
  readonly result?: Readonly<Record<string, unknown>>;
  /** overrides the plan's `changed` when the real run knows better */
  readonly changed?: boolean;
  readonly facts?: Readonly<Record<string, unknown>>;
}

/** One YAML document and where it starts. */
export interface YamlDocument {
  readonly value: unknown;
  readonly where: SourceLocation;
}

/** Files on the control machine: a role's files/ and templates/, the playbook's directory. */
export interface ControllerFiles {
  /** Finds a file the way Ansible does (role files/ or templates/, then the playbook dir); throws a clear error when missing. */
  resolve(path: string, kind: 'files' | 'templates'): string;
  read(path: string, kind: 'files' | 'templates'): Promise<Buffer>;
  /**
   * Parses YAML text (every document of it) as playbooks are parsed (YAML 1.1, as Ansible), with
   * the file, line and column each document starts at; `file` names the text in errors.
   */
  parseYaml(text: string, file: string): YamlDocument[];
  /** Where a value of the task's arguments was written (file, line, column), when it came from YAML. */
  locate(value: unknown): SourceLocation | undefined;
}

/** What `check` may use: reads only. */
export interface HostContext {
  /** inventory_hostname */
  readonly host: string;
  /** the host's variables as the task sees them (read-only) */
  readonly vars: Readonly<Record<string, unknown>>;
  /** --diff (or `diff: true` on the task): a plan may read what it needs to show the change */
  readonly diffMode: boolean;
  /**
   * Under --check: an earlier task would have changed this host, and that change was only
   * predicted. The host may still lack what it would have added by now (a repository's
   * packages, the sysctls of a kernel module loaded later): a module that cannot find such a
   * thing may predict instead of failing, and should warn. Always false in a real run, and in
   * a check run until some task on the host predicts a change.
   */
  readonly earlierChangesPredicted: boolean;
  /** Runs a declared read-only probe on the host and returns what its parser makes of the result. */
  probe<T>(probe: Probe<void, T>): Promise<T>;
  probe<A, T>(probe: Probe<A, T>, args: A): Promise<T>;
  readFile(path: string): Promise<Buffer | null>;
  stat(path: string, opts?: { checksum?: boolean; follow?: boolean }): Promise<FileInfo | null>;
  readonly controller: ControllerFiles;
  /** Renders a Handlebars template with the host's variables. */
  render(template: string): string;
  /**
   * Evaluates a condition (as in `when`) with the host's variables: for the parameters a
   * module declares in `conditionParams`, which the engine parses before the run.
   */
  holds(condition: string | boolean): boolean;
  /**
   * Is this value a secret of the run: a `Secret`, or text (or a number) that came from vault or
   * a `no_log` task? Output masks such values wherever they appear; a module that shows values
   * it read from the host in their place (the values a release had before) masks those itself.
   */
  isSecret(value: unknown): boolean;
  warn(message: string): void;
  /** Shown at -vvv. */
  debug(message: string): void;
  /** The host's HTTP API (hosts with `tsplay_connection: http`), reads only; throws a clear error on any other host. */
  http(): Promise<HttpReader>;
  /**
   * The cluster's API (hosts with `tsplay_connection: kubernetes`): reads and server-side dry runs,
   * which the API server validates but never stores; throws a clear error on any other host.
   */
  kube(): Promise<KubeReader>;
}

/** What `apply` may use: everything `check` may, plus changes. */
export interface ApplyContext extends HostContext {
  /** Runs any command on the host. */
  run(command: string, opts?: CommandOptions): Promise<CommandResult>;
  /** Writes a file atomically (temporary file in the same directory, then rename). */
  writeFile(path: string, content: string | Buffer, opts?: { mode?: string; owner?: string; group?: string }): Promise<void>;
  /** The host's HTTP API with writes. */
  http(): Promise<HttpClient>;
  /** The cluster's API with writes. */
  kube(): Promise<KubeClient>;
}

export interface ModuleDefinition<P extends TSchema = TSchema, S = undefined> {
  readonly name: string;
  /** one sentence for `tsplay modules` */
  readonly description: string;
  readonly params: P;
  /** a bare string value (`command: ls -l`) fills this parameter */
  readonly freeForm?: string;
  /** runs on the controller without contacting the host (debug, set_fact, assert, fail) */
  readonly controllerOnly?: boolean;
  /**
   * What the module needs of the host: 'shell' (the default: commands and files, SSH and local
   * hosts), 'http' (its API through ctx.http(): NSX Manager, vCenter) or 'kubernetes' (the
   * cluster's API through ctx.kube()). The engine refuses a task whose host cannot give it, in
   * --check as in the real run.
   */
  readonly uses?: 'shell' | 'http' | 'kubernetes';
  /**
   * Parameters that hold conditions (a string, a boolean or a list of them), evaluated with
   * `ctx.holds`, not templates: the loader parses them before any host is contacted and the
   * pre-run variable check reads them, as it does `when` (assert: ['that']).
   */
  readonly conditionParams?: readonly string[];
  /**
   * The variables its plans set on the host (`Plan.facts`): 'param-keys' when they are the
   * parameters' own keys (set_fact), so the pre-run variable check knows them; 'dynamic' when
   * only the host can tell. A plan with facts from a module that does not declare this fails.
   */
  readonly setsFacts?: 'param-keys' | 'dynamic';
  /** its registered result is what the user asked to see: printed on ok at every verbosity (debug) */
  readonly showsResult?: boolean;
  check(ctx: HostContext, params: Static<P>): Promise<Plan<S>>;
  // `async apply() { await ... }` may end without a return: the outcome is optional, hence void
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  apply?(ctx: ApplyContext, plan: ChangedPlan<S>, params: Static<P>): Promise<ApplyOutcome | void>;
}

/** Declares a module; the generic parameters are inferred from `params` and `check`. */
export function defineModule<P extends TSchema, S = undefined>(def: ModuleDefinition<P, S>): ModuleDefinition<P, S> {
  return def;
}

/** A module of any parameter and state type, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = ModuleDefinition<TSchema, any>;
