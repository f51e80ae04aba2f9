/**
 * Gathering facts: one command on the host (one round trip), parsed into a
 * typed Facts object. `probe` is whatever runs a read-only command there
 * (a Connection's exec, a HostContext's probe).
 */
import { TsplayError } from '../errors.js';
import { factsCommand } from './command.js';
import { parseFacts } from './parse.js';
import type { Facts } from './types.js';

export type FactProbe = (command: string) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

/** Facts could not be read from the host. */
export class FactsError extends TsplayError {
  readonly code = 'E_FACTS';
}

export async function gatherFacts(probe: FactProbe): Promise<Facts> {
  const r = await probe(factsCommand());
  if (r.exitCode !== 0 || !r.stdout.includes('@@tsplay:')) {
    throw new FactsError(`gathering facts failed (exit ${r.exitCode}): ${r.stderr.trim() || 'no output'}`);
  }
  return parseFacts(r.stdout);
}

export { factsCommand } from './command.js';
export { parseFacts } from './parse.js';
export { factsToVars } from './to-vars.js';
export type { Facts, NetInterface, DefaultIpv4, Ipv4Address, Ipv6Address } from './types.js';
