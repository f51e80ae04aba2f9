/**
 * One module invocation on one host (one loop item): template the arguments,
 * validate them against the module's schema, plan with `check`, and apply
 * the plan unless this is a check run. This is where check mode is enforced:
 * modules never see it as a branch.
 */
import type { AnyModule, Diff } from '../module.js';
import { ModuleFailure, TsplayError, UnreachableError } from '../errors.js';
import { containsSecret, revealDeep } from '../secret.js';
import type { BecomeOptions, Connection } from '../transport/transport.js';
import type { Vars } from '../vars/precedence.js';
import { renderConnectionVars } from './connection-vars.js';
import { controllerFiles } from './controller-files.js';
import type { HostContextOptions } from './host-context.js';
import { planAndApply } from './plan-apply.js';
import type { EffectiveTask } from './inherited.js';
import type { PlayScope, RunContext } from './run-context.js';
import { OMIT } from './task-vars.js';

export interface CallOutcome {
  readonly changed: boolean;
  readonly failed: boolean;
  readonly unreachable?: boolean;
  /** under --check: not run, because check cannot know what it would do */
  readonly skipped?: boolean;
  readonly msg?: string;
  /** what `register` stores (before changed_when/failed_when) */
  readonly result: Vars;
  readonly diff?: readonly Diff[];
  readonly facts?: Vars;
}

export async function callModule(
  rc: RunContext,
  ps: PlayScope,
  et: EffectiveTask,
  mod: AnyModule,
  host: string,
  vars: Vars,
): Promise<CallOutcome> {
  const task = et.task;
  const checkMode = et.checkMode ?? rc.options.check;
  const diffMode = et.diff ?? rc.options.diff;
  try {
    const rendered = rc.templates.render(task.args, vars, task.location) as Vars;
    const args = dropOmitted(rendered);
    if (et.noLog || containsSecret(args)) rc.redactor.addAll(args);
    const params = rc.params.validate(mod, revealDeep(args) as Vars, task.location);

    const delegate = et.delegateTo ? String(rc.templates.render(et.delegateTo, vars, task.location)) : undefined;
    const ctxOptions = hostContextOptions(rc, ps, et, host, vars, checkMode, diffMode, delegate);
    if (!mod.controllerOnly) checkHostKind(mod, delegate ?? host, await ctxOptions.connection());
    const out = await planAndApply(mod, ctxOptions, params, { checkMode, predictions: rc.hosts.get(delegate ?? host) });
    const { plan, changed } = out;
    if (out.wouldRun) return wouldRunOutcome(plan.summary ?? mod.name, out.result);
    const result: Vars = { ...out.result, changed };
    if (checkMode && plan.changed) result.check_mode_prediction = true;
    if (diffMode && plan.diff?.length) result.diff = plan.diff;
    if (plan.summary && result.msg === undefined && changed) result.msg = plan.summary;
    return {
      changed,
      failed: false,
      result,
      ...(diffMode && plan.diff?.length ? { diff: plan.diff } : {}),
      ...(out.facts ? { facts: out.facts } : {}),
      ...(typeof result.msg === 'string' ? { msg: result.msg } : {}),
    };
  } catch (e) {
    return failureOutcome(e);
  }
}

/**
 * Under --check, a plan whose outcome check cannot know (a command without creates/removes):
 * not run, and reported as Ansible does ("skipped", "would have run"), never as ok.
 */
function wouldRunOutcome(what: string, planned: Vars): CallOutcome {
  const msg = `would have run if not in check mode (${what}); check mode cannot know what it would change`;
  return { changed: false, failed: false, skipped: true, msg, result: { ...planned, changed: false, skipped: true, msg } };
}

function failureOutcome(e: unknown): CallOutcome {
  if (e instanceof UnreachableError) {
    return { changed: false, failed: false, unreachable: true, msg: e.format(), result: { unreachable: true, msg: e.message, changed: false } };
  }
  if (e instanceof ModuleFailure) {
    return { changed: false, failed: true, msg: e.message, result: { ...e.result, failed: true, msg: e.message, changed: Boolean(e.result.changed) } };
  }
  if (TsplayError.isInstance(e)) {
    return { changed: false, failed: true, msg: e.format(), result: { failed: true, msg: e.format(), changed: false } };
  }
  const msg = e instanceof Error ? e.message : String(e);
  return { changed: false, failed: true, msg, result: { failed: true, msg, changed: false } };
}

/** A shell module on an API host, or an API module on a shell host, fails before it plans (check and run alike). */
function checkHostKind(mod: AnyModule, host: string, conn: Connection): void {
  if (mod.uses === 'http' && !conn.http) {
    throw new ModuleFailure(`${mod.name} talks to an HTTP API, but host '${host}' uses connection '${conn.kind}' (set tsplay_connection: http and tsplay_http_url for it)`);
  }
  if (mod.uses === 'kubernetes' && !conn.kube) {
    throw new ModuleFailure(`${mod.name} talks to a Kubernetes API server, but host '${host}' uses connection '${conn.kind}' (set tsplay_connection: kubernetes and tsplay_kubeconfig for it)`);
  }
  if ((mod.uses ?? 'shell') === 'shell' && conn.shell === false) {
    throw new ModuleFailure(`${mod.name} runs commands on its host, but '${host}' is an API endpoint (connection '${conn.kind}'); a module that talks to the API declares uses: 'http' or 'kubernetes'`);
  }
}

function hostContextOptions(
  rc: RunContext,
  ps: PlayScope,
  et: EffectiveTask,
  host: string,
  vars: Vars,
  checkMode: boolean,
  diffMode: boolean,
  delegate: string | undefined,
): HostContextOptions {
  const target = delegate ?? host;
  const targetVars = delegate && delegate !== host ? { ...rc.inventory.hostVars(delegate), inventory_hostname: delegate } : vars;
  const settings = rc.inventory.connectionSettings(target, renderConnectionVars(rc.templates, delegate ? targetVars : vars));
  const become = becomeOptions(rc, et, vars);
  const environment = environmentOf(rc, et, vars);
  return {
    host,
    connection: () => rc.connections.get(settings),
    vars,
    checkMode,
    diffMode,
    ...(become ? { become } : {}),
    ...(environment ? { environment } : {}),
    controller: controllerFiles({
      ...(et.role ? { roleDir: et.role.dir } : {}),
      playbookDir: ps.play.baseDir,
      location: et.task.location,
    }),
    render: (template: string) => rc.templates.renderString(template, vars, et.task.location),
    holds: (condition: string | boolean) => rc.conditions.holds([condition], vars, et.task.location),
    ...(checkMode ? { predicted: rc.hosts.get(target).predicted, earlierChangesPredicted: rc.hosts.get(target).predictedChanges > 0 } : {}),
    secretText: (text: string) => rc.redactor.has(text),
    warn: (message: string) => rc.sink.emit({ type: 'warning', message, host }),
    debug: (message: string) => rc.options.verbosity >= 3 && rc.sink.emit({ type: 'debug', level: 3, message, host }),
  };
}

function becomeOptions(rc: RunContext, et: EffectiveTask, vars: Vars): BecomeOptions | undefined {
  const on = et.become ?? truthy(vars.tsplay_become ?? vars.ansible_become) ?? rc.options.become ?? false;
  if (!on) return undefined;
  const user = et.becomeUser ?? str(vars.tsplay_become_user ?? vars.ansible_become_user) ?? rc.options.becomeUser ?? 'root';
  const pw = vars.tsplay_become_password ?? vars.ansible_become_password ?? vars.ansible_become_pass;
  if (pw !== undefined) {
    rc.redactor.addAll(pw);
    const clear = String(revealDeep(pw));
    rc.redactor.add(clear);
    return { user: String(rc.templates.render(user, vars)), password: clear };
  }
  return { user: String(rc.templates.render(user, vars)) };
}

function environmentOf(rc: RunContext, et: EffectiveTask, vars: Vars): Record<string, string> | undefined {
  if (!et.environment.length) return undefined;
  const out: Record<string, string> = {};
  for (const layer of et.environment) {
    const rendered = revealDeep(rc.templates.render(layer, vars, et.task.location)) as Vars;
    for (const [k, v] of Object.entries(rendered)) if (v !== OMIT && v !== undefined && v !== null) out[k] = valueText(v);
  }
  return out;
}

/**
 * A variable's value where text is needed (an environment value, become_user). Ansible stringifies
 * every value (`str(v)`, never refused); a list or mapping becomes JSON here, as `{{ x }}` renders
 * it, not "[object Object]". Anything else (a number, a boolean, a Secret's mask) is its own text.
 */
function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  if (Array.isArray(v) || (typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null))) return JSON.stringify(v);
  return (v as { toString(): string }).toString();
}

function dropOmitted(args: Vars): Vars {
  if (!Object.values(args).includes(OMIT)) return args;
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== OMIT));
}

function truthy(v: unknown): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  return ['1', 'true', 'yes', 'on'].includes(valueText(v).toLowerCase());
}

function str(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : valueText(v);
}
