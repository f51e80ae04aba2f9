/**
 * NSX modules against the NSX Policy API emulator through the real HTTP
 * connection (nsx_session auth), with the engine's semantics (validate,
 * check, apply only when changed and not --check) and a hook between check
 * and apply, so a test can change the manager behind the module's back.
 */
import { onTestFinished } from 'vitest';
import { openHttpConnection } from '../../src/engine/transport/http/index.js';
import type { HttpConnection } from '../../src/engine/transport/http/index.js';
import { startNsxEmulator, type NsxEmulator, type NsxEmulatorOptions } from '../doubles/nsx/index.js';
import { runModuleOn, type ConnRunOutcome } from './engine-semantics.js';

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

export type NsxRun<S> = ConnRunOutcome<S>;

/** A module on the emulator's connection with the engine's semantics (see runModuleOn). */
export const runNsxModule = runModuleOn;
