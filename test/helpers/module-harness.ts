/**
 * Runs a module the way the engine does, against the real filesystem through
 * a LocalConnection: validate the parameters against the module's schema
 * (ajv, defaults filled, types coerced), plan with `check`, and `apply` only
 * when the plan changed and this is not a check run. Shared by every
 * module's tests.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, lstat, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { ModuleDefinition, Plan, Static, TSchema } from '../../src/engine/module.js';
import { TsplayError } from '../../src/engine/errors.js';
import { ConditionEvaluator } from '../../src/engine/expr/conditions.js';
import { controllerFiles } from '../../src/engine/run/controller-files.js';
import type { HostContextOptions } from '../../src/engine/run/host-context.js';
import { planAndApply } from '../../src/engine/run/plan-apply.js';
import { Templar } from '../../src/engine/template/templar.js';
import { LocalConnection } from '../../src/engine/transport/local.js';
import { ModuleParams } from '../../src/engine/validate/module-params.js';

export interface RunOptions {
  readonly check?: boolean;
  readonly diff?: boolean;
  readonly vars?: Readonly<Record<string, unknown>>;
  /** where `src` of copy/template is looked up (the playbook directory) */
  readonly controllerDir?: string;
}

export interface RunOutcome<S> {
  readonly changed: boolean;
  readonly plan: Plan<S>;
  /** the registered result: the plan's result with apply's merged over it */
  readonly result: Record<string, unknown>;
  readonly warnings: readonly string[];
}

/** Parameters the engine's validation rejects; the message is the one a user sees. */
export class InvalidParams extends Error {
  readonly code = 'E_INVALID_PARAMS';
  constructor(
    readonly module: string,
    override readonly cause: TsplayError,
  ) {
    super(`${module}: ${cause.format()}`);
  }
}

const TEST_LOCATION = { file: '(test)' };
// one validator set, as one run has: compiled once per module
const engineParams = new ModuleParams();

/** The engine's run-time validation of a module's arguments (ajv with coercion and defaults). */
export function validateParams<P extends TSchema, S>(mod: ModuleDefinition<P, S>, params: Record<string, unknown>): Static<P> {
  try {
    return engineParams.compileModuleParams(mod).validate(structuredClone(params), TEST_LOCATION);
  } catch (e) {
    if (TsplayError.isInstance(e)) throw new InvalidParams(mod.name, e);
    throw e;
  }
}

/** The engine's templating and conditions over fixed variables (undefined variables fail). */
export function engineEvaluators(vars: Readonly<Record<string, unknown>>): Pick<HostContextOptions, 'render' | 'holds'> {
  const templates = new Templar();
  const conditions = new ConditionEvaluator(templates);
  return {
    render: (template) => templates.renderString(template, vars, TEST_LOCATION),
    holds: (condition) => conditions.holds([condition], vars, TEST_LOCATION),
  };
}

export async function runModule<P extends TSchema, S>(
  mod: ModuleDefinition<P, S>,
  params: Record<string, unknown>,
  opts: RunOptions = {},
): Promise<RunOutcome<S>> {
  const valid = validateParams(mod, params);
  const vars = opts.vars ?? {};
  const warnings: string[] = [];
  const conn = new LocalConnection('localhost');
  const ctxOptions: HostContextOptions = {
    host: 'localhost',
    connection: async () => conn,
    vars,
    checkMode: opts.check ?? false,
    diffMode: opts.diff ?? false,
    controller: controllerFiles({ playbookDir: opts.controllerDir ?? process.cwd() }),
    ...engineEvaluators(vars),
    warn: (m) => warnings.push(m),
    debug: () => undefined,
  };
  try {
    const { changed, plan, result } = await checkThenApply(mod, ctxOptions, valid, opts.check ?? false);
    return { changed, plan, result, warnings };
  } finally {
    await conn.close();
  }
}

/**
 * The engine's own plan-and-apply path (src/engine/run/plan-apply.ts): check, then apply only
 * when the plan changes something and this is not a check run. Shared by every harness.
 * `beforeApply` runs between the two, so a test can change the host (or the API behind it)
 * after the module has read it.
 */
export async function checkThenApply<P extends TSchema, S>(
  mod: ModuleDefinition<P, S>,
  ctxOptions: HostContextOptions,
  valid: Static<P>,
  check: boolean,
  beforeApply?: () => unknown,
): Promise<{ changed: boolean; wouldRun: boolean; plan: Plan<S>; result: Record<string, unknown> }> {
  const out = await planAndApply(mod, ctxOptions, valid, { checkMode: check, ...(beforeApply ? { beforeApply } : {}) });
  return { changed: out.changed, wouldRun: out.wouldRun, plan: out.plan as Plan<S>, result: out.result };
}

/** A fresh temporary directory, removed when the current test finishes. */
export async function tempDir(prefix = 'tsplay-mod-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Every entry under `dir`: type, mode, and sha256 of files or target of links. For "nothing changed on disk" checks. */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string, rel: string): Promise<void> => {
    for (const name of (await readdir(d)).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = await lstat(p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[r] = `link ${await readlink(p)}`;
      else if (st.isDirectory()) {
        out[r] = `dir ${mode} ${st.uid}:${st.gid}`;
        await walk(p, r);
      } else out[r] = `file ${mode} ${st.uid}:${st.gid} ${st.mtimeMs} ${createHash('sha256').update(await readFile(p)).digest('hex')}`;
    }
  };
  await walk(dir, '');
  return out;
}

/**
 * The contract every changing module keeps, checked in one go on `dir`:
 * a check run changes nothing on disk and predicts the real run's changed
 * flag and diff; the real run changes what it said; a second run is a no-op.
 * Returns the real run.
 */
export async function expectConverges<P extends TSchema, S>(
  mod: ModuleDefinition<P, S>,
  params: Record<string, unknown>,
  dir: string,
  opts: Omit<RunOptions, 'check' | 'diff'> & { expectChanged?: boolean } = {},
): Promise<RunOutcome<S>> {
  const { expect } = await import('vitest');
  const before = await snapshotTree(dir);
  const predicted = await runModule(mod, params, { ...opts, check: true, diff: true });
  expect(await snapshotTree(dir)).toEqual(before);
  const real = await runModule(mod, params, { ...opts, diff: true });
  expect(real.changed).toBe(predicted.changed);
  expect(real.plan.diff).toEqual(predicted.plan.diff);
  if (opts.expectChanged !== undefined) expect(real.changed).toBe(opts.expectChanged);
  const again = await runModule(mod, params, { ...opts, diff: true });
  expect(again.changed).toBe(false);
  return real;
}
