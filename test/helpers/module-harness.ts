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
import { Ajv, type ErrorObject } from 'ajv';
import Handlebars from 'handlebars';
import { onTestFinished } from 'vitest';
import type { ApplyOutcome, ModuleDefinition, Plan, Static, TSchema } from '../../src/engine/module.js';
import { UndefinedVariableError } from '../../src/engine/errors.js';
import { controllerFiles } from '../../src/engine/run/controller-files.js';
import { createApplyContext, createHostContext, type HostContextOptions } from '../../src/engine/run/host-context.js';
import { LocalConnection } from '../../src/engine/transport/local.js';

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

/** Parameters rejected by a module's schema. */
export class InvalidParams extends Error {
  readonly code = 'E_INVALID_PARAMS';
  constructor(
    readonly module: string,
    readonly errors: readonly ErrorObject[],
  ) {
    super(`${module}: ${errors.map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ')}`);
  }
}

export function validateParams<P extends TSchema, S>(mod: ModuleDefinition<P, S>, params: Record<string, unknown>): Static<P> {
  const ajv = new Ajv({ useDefaults: true, coerceTypes: true, allErrors: true, strict: false });
  const validate = ajv.compile(mod.params);
  const copy = structuredClone(params);
  if (!validate(copy)) throw new InvalidParams(mod.name, validate.errors ?? []);
  return copy as Static<P>;
}

/** Handlebars in strict mode, without HTML escaping: an undefined variable fails. */
export function strictRender(vars: Readonly<Record<string, unknown>>): (template: string) => string {
  const hb = Handlebars.create();
  return (template) => {
    try {
      return hb.compile(template, { strict: true, noEscape: true })(vars);
    } catch (e) {
      const m = /"([^"]+)" not defined/.exec(e instanceof Error ? e.message : String(e));
      if (m) throw new UndefinedVariableError(m[1] ?? '?', template);
      throw e;
    }
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
    render: strictRender(vars),
    warn: (m) => warnings.push(m),
    debug: () => undefined,
  };
  const { changed, plan, result } = await checkThenApply(mod, ctxOptions, valid, opts.check ?? false);
  await conn.close();
  return { changed, plan, result, warnings };
}

/**
 * The engine's semantics in small: check, then apply only when the plan
 * changes something and this is not a check run. Shared by every harness.
 * `beforeApply` runs between the two, so a test can change the host (or the
 * API behind it) after the module has read it.
 */
export async function checkThenApply<P extends TSchema, S>(
  mod: ModuleDefinition<P, S>,
  ctxOptions: HostContextOptions,
  valid: Static<P>,
  check: boolean,
  beforeApply?: () => unknown,
): Promise<{ changed: boolean; plan: Plan<S>; result: Record<string, unknown> }> {
  const plan = await mod.check(createHostContext(ctxOptions), valid);
  let changed = plan.changed;
  let result: Record<string, unknown> = { ...plan.result };
  if (plan.changed && !check && mod.apply) {
    await beforeApply?.();
    const out: ApplyOutcome | void = await mod.apply(createApplyContext(ctxOptions), plan, valid);
    if (out?.changed !== undefined) changed = out.changed;
    if (out?.result) result = { ...result, ...out.result };
  }
  return { changed, plan, result };
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
