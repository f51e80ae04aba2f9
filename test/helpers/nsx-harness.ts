/**
 * NSX modules against the NSX Policy API emulator through the real HTTP
 * connection (nsx_session auth), with the engine's semantics (validate,
 * check, apply only when changed and not --check) and a hook between check
 * and apply, so a test can change the manager behind the module's back.
 */
import { onTestFinished } from 'vitest';
import type { ApplyOutcome, ModuleDefinition, Plan, Static, TSchema } from '../../src/engine/module.js';
import { controllerFiles } from '../../src/engine/run/controller-files.js';
import { createApplyContext, createHostContext, type HostContextOptions } from '../../src/engine/run/host-context.js';
import { openHttpConnection } from '../../src/engine/transport/http/index.js';
import type { HttpConnection } from '../../src/engine/transport/http/index.js';
import { startNsxEmulator, type NsxEmulator, type NsxEmulatorOptions } from '../doubles/nsx/index.js';
import { strictRender, validateParams } from './module-harness.js';

export const NSX_USER = 'admin';
export const NSX_PASSWORD = 'Nsx-pw-8d1e-never-shown';

export interface NsxLab {
  readonly nsx: NsxEmulator;
  readonly conn: HttpConnection;
}

/** An emulator and an HTTP connection to it, both closed when the test ends. */
export async function startNsxLab(opts: Partial<NsxEmulatorOptions> = {}): Promise<NsxLab> {
  const nsx = await startNsxEmulator({ users: { [NSX_USER]: NSX_PASSWORD }, ...opts });
  const conn = await openHttpConnection(
    {
      host: 'nsx-manager',
      connection: 'http',
      address: '127.0.0.1',
      vars: { tsplay_http_url: nsx.url, tsplay_http_user: NSX_USER, tsplay_http_password: NSX_PASSWORD, tsplay_http_auth: 'nsx_session', tsplay_http_timeout: 5 },
    },
    { sleep: () => Promise.resolve() },
  );
  onTestFinished(async () => {
    await conn.close().catch(() => undefined);
    await nsx.close();
  });
  return { nsx, conn };
}

export interface NsxRun<S> {
  readonly changed: boolean;
  readonly plan: Plan<S>;
  readonly result: Record<string, unknown>;
  readonly warnings: readonly string[];
}

export async function runNsxModule<P extends TSchema, S>(
  conn: HttpConnection,
  mod: ModuleDefinition<P, S>,
  params: Record<string, unknown>,
  opts: { check?: boolean; beforeApply?: () => void | Promise<void> } = {},
): Promise<NsxRun<S>> {
  const valid: Static<P> = validateParams(mod, params);
  const warnings: string[] = [];
  const ctx: HostContextOptions = {
    host: conn.host,
    connection: async () => conn,
    vars: {},
    checkMode: opts.check ?? false,
    diffMode: true,
    controller: controllerFiles({ playbookDir: process.cwd() }),
    render: strictRender({}),
    warn: (m) => warnings.push(m),
    debug: () => undefined,
  };
  const plan = await mod.check(createHostContext(ctx), valid);
  let changed = plan.changed;
  let result: Record<string, unknown> = { ...plan.result };
  if (plan.changed && !opts.check && mod.apply) {
    await opts.beforeApply?.();
    const out: ApplyOutcome | void = await mod.apply(createApplyContext(ctx), plan, valid);
    if (out?.changed !== undefined) changed = out.changed;
    if (out?.result) result = { ...result, ...out.result };
  }
  return { changed, plan, result, warnings };
}
