/**
 * A task's module arguments: the module key's value (mapping, free-form string
 * or nothing) merged over `args:`, each parameter remembering where it was
 * written so errors point at it; then checked against the module's schema.
 */
import { locate } from '../yaml/load.js';
import { describeValue } from '../validate/describe.js';
import { paramError } from '../validate/module-params.js';
import { conditionsIn, templatesIn } from './expressions.js';
import { parseKeyValues } from './free-form.js';
import { isMapping, type RawMap } from './keywords.js';
import { where, type LoadContext, type Segments } from './load-context.js';
import type { ModuleLookup } from './load-options.js';
import type { Vars } from './model.js';

type ModuleInfo = NonNullable<ReturnType<ModuleLookup['get']>>;

interface ParamSource {
  readonly container: unknown;
  /** path of the parameter inside container (empty: the container's module key) */
  readonly path: Segments;
  readonly segments: Segments;
}

export interface ModuleArgsInput {
  readonly task: RawMap;
  readonly moduleKey: string;
  readonly moduleName: string;
  readonly module: ModuleInfo;
  readonly file: string;
  readonly segments: Segments;
}

/** Builds and validates the arguments; errors are recorded in ctx. */
export function moduleArgs(ctx: LoadContext, input: ModuleArgsInput): Vars {
  const { task, moduleKey, moduleName, module, file, segments } = input;
  const args: Record<string, unknown> = {};
  const sources = new Map<string, ParamSource>();
  const keyAt: ParamSource = { container: task, path: [moduleKey], segments };

  if (isMapping(task.args)) {
    for (const [k, v] of Object.entries(task.args)) {
      args[k] = v;
      sources.set(k, { container: task.args, path: [k], segments: [...segments, 'args'] });
    }
  }
  const value = task[moduleKey];
  if (typeof value === 'string') {
    if (module.freeForm) {
      args[module.freeForm] = value;
      sources.set(module.freeForm, keyAt);
    } else {
      const parsed = parseKeyValues(value);
      if (!parsed.ok) {
        ctx.error('E_FREE_FORM', `module '${moduleName}' takes no free-form text ('${parsed.token}' is not key=value); write its parameters as a mapping`, where(task, [moduleKey], file, segments));
        return args;
      }
      for (const [k, v] of Object.entries(parsed.args)) {
        args[k] = v;
        sources.set(k, keyAt);
      }
    }
  } else if (isMapping(value)) {
    for (const [k, v] of Object.entries(value)) {
      args[k] = v;
      sources.set(k, { container: value, path: [k], segments: [...segments, moduleKey] });
    }
  } else if (value !== null && value !== undefined) {
    ctx.error('E_TYPE', `expected parameters for module '${moduleName}' (a mapping${module.freeForm ? ' or a command string' : ''}), got ${describeValue(value)}`, where(task, [moduleKey], file, segments));
    return args;
  }

  const named = { ...module, name: moduleName };
  for (const issue of ctx.params.check(named, args)) {
    const [first, ...rest] = issue.path;
    const source = first === undefined ? undefined : sources.get(String(first));
    const base = source ?? keyAt;
    const path = source && source.path.length ? [...source.path, ...rest] : base.path;
    const loc = where(base.container, path, file, base.segments);
    // for a missing parameter, point at the module key; the field names the parameter
    const location = issue.kind === 'missing-key' ? { ...(locate(task, moduleKey) ?? loc), field: loc.field ?? '' } : loc;
    ctx.add(paramError({ ...issue, path: [] }, location));
  }
  // conditions among the parameters (assert's `that`) are parsed as conditions, every other value as a template
  for (const [k, source] of sources) {
    // a parameter from a `key=value` string is reported at the module key
    const fromString = source === keyAt;
    const locate = (at: Segments) => (fromString ? where(task, [moduleKey], file, segments) : where(source.container, at, file, source.segments));
    const path = fromString ? [moduleKey] : source.path;
    if (module.conditionParams?.includes(k)) conditionsIn(ctx, args[k], path, locate);
    else templatesIn(ctx, args[k], path, locate);
  }
  return args;
}
