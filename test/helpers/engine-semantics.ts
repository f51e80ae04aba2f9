/**
 * Runs a module on any Connection (a lab container through DockerConnection,
 * for systemd and apt; the HTTP connection to the NSX emulator or vcsim) with the engine's semantics: validate, check, apply
 * only when changed and not a check run. The LocalConnection twin is
 * runModule in module-harness.ts, whose validation and rendering this reuses.
 */
import type { ModuleDefinition, Plan, Static, TSchema } from '../../src/engine/module.js';
import { controllerFiles } from '../../src/engine/run/controller-files.js';
import type { HostContextOptions } from '../../src/engine/run/host-context.js';
import type { Connection } from '../../src/engine/transport/transport.js';
import { checkThenApply, engineEvaluators, validateParams } from './module-harness.js';

export interface ConnRunOutcome<S> {
  readonly changed: boolean;
  readonly plan: Plan<S>;
  readonly result: Record<string, unknown>;
  /** commands run through the contexts, in order (probes and changes) */
  readonly commands: readonly string[];
  /** what the module warned about */
  readonly warnings: readonly string[];
}

export async function runModuleOn<P extends TSchema, S>(
  conn: Connection,
  mod: ModuleDefinition<P, S>,
  params: Record<string, unknown>,
  /** beforeApply runs between check and apply, so a test can change the host (or the API behind it) after the module read it */
  opts: {
    check?: boolean;
    diff?: boolean;
    vars?: Record<string, unknown>;
    beforeApply?: () => unknown;
    earlierChangesPredicted?: boolean;
    /** texts the run holds as secrets (as vault values are), for `ctx.isSecret` */
    secrets?: readonly string[];
  } = {},
): Promise<ConnRunOutcome<S>> {
  const valid: Static<P> = validateParams(mod, params);
  const vars = opts.vars ?? {};
  const commands: string[] = [];
  const warnings: string[] = [];
  const ctxOptions: HostContextOptions = {
    host: conn.host,
    connection: async () => conn,
    vars,
    checkMode: opts.check ?? false,
    diffMode: opts.diff ?? true,
    // as if an earlier task of a --check run had predicted a change on this host
    ...(opts.earlierChangesPredicted ? { earlierChangesPredicted: true } : {}),
    ...(opts.secrets ? { secretText: (text: string) => opts.secrets?.includes(text) ?? false } : {}),
    controller: controllerFiles({ playbookDir: process.cwd() }),
    ...engineEvaluators(vars),
    warn: (m) => warnings.push(m),
    debug: (m) => {
      if (m.startsWith('exec: ')) commands.push(m.slice(6));
    },
  };
  const { changed, plan, result } = await checkThenApply(mod, ctxOptions, valid, opts.check ?? false, opts.beforeApply);
  return { changed, plan, result, commands, warnings };
}
