/**
 * wait_for: waits until a TCP port accepts connections (or stops), or a file
 * appears (optionally holding a regex match) or goes away. It only reads, so
 * it all runs in `check` (in check mode too) and never reports a change.
 * Polls from the controller, one probe command per `sleep` seconds; the port
 * probe is described in support/cmd-wait-probe.ts (/proc/net/tcp, nc, python3).
 */
import { setTimeout as delayMs } from 'node:timers/promises';
import { defineModule, ModuleFailure, Type, type HostContext } from '../engine/module.js';
import { portState, type PortProbeMethod } from './support/cmd-wait-probe.js';
import { mutuallyExclusive } from './support/schema.js';

const params = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', minLength: 1, description: 'Address whose `port` to wait for, as seen from the managed host.' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'TCP port to wait for.' })),
    path: Type.Optional(Type.String({ minLength: 1, description: 'File on the host to wait for (or to disappear).' })),
    state: Type.Union([Type.Literal('started'), Type.Literal('present'), Type.Literal('stopped'), Type.Literal('absent')], {
      default: 'started',
      description: 'started/present: the port accepts connections or the file exists; stopped/absent: the port refuses or the file is gone.',
    }),
    search_regex: Type.Optional(Type.String({ minLength: 1, description: 'With `path`: wait until the file content matches this regular expression (multi-line mode).' })),
    delay: Type.Number({ minimum: 0, default: 0, description: 'Seconds to wait before the first check.' }),
    timeout: Type.Number({ minimum: 0, default: 300, description: 'Seconds to wait in all before failing.' }),
    sleep: Type.Number({ minimum: 0, default: 1, description: 'Seconds between checks.' }),
    msg: Type.Optional(Type.String({ description: 'Message on timeout instead of the default one.' })),
  },
  { additionalProperties: false, ...mutuallyExclusive(['port', 'path']) },
);

type Params = typeof params.static;
type Wanted = 'up' | 'down';

interface Poll {
  readonly done: boolean;
  readonly extra?: Record<string, unknown>;
}

export default defineModule({
  name: 'wait_for',
  description: 'Waits for a TCP port or a file (or its content) to reach a state; never changes anything.',
  params,
  async check(ctx, p) {
    if (p.search_regex !== undefined && p.path === undefined) throw new ModuleFailure('search_regex needs path (searching a port\'s banner is not supported)', {});
    const wanted: Wanted = p.state === 'started' || p.state === 'present' ? 'up' : 'down';
    const regex = p.search_regex === undefined ? undefined : compile(p.search_regex);
    const poll = (): Promise<Poll> =>
      p.port !== undefined ? pollPort(ctx, p.host, p.port, wanted) : p.path !== undefined ? pollPath(ctx, p.path, wanted, regex) : Promise.resolve({ done: true });
    const start = Date.now();
    if (p.delay > 0) await delayMs(p.delay * 1000);
    const deadline = start + p.timeout * 1000;
    for (;;) {
      const r = await poll();
      const elapsed = Math.floor((Date.now() - start) / 1000);
      if (r.done) return { changed: false, result: { ...base(p), elapsed, ...r.extra } };
      if (Date.now() + p.sleep * 1000 > deadline) throw new ModuleFailure(p.msg ?? timeoutMessage(p, wanted), { ...base(p), elapsed });
      await delayMs(p.sleep * 1000);
    }
  },
});

function base(p: Params): Record<string, unknown> {
  return {
    state: p.state,
    ...(p.port !== undefined ? { port: p.port } : {}),
    ...(p.path !== undefined ? { path: p.path } : {}),
    ...(p.search_regex !== undefined ? { search_regex: p.search_regex } : {}),
  };
}

async function pollPort(ctx: HostContext, host: string, port: number, wanted: Wanted): Promise<Poll> {
  const poll = await ctx.probe(portState, { host, port });
  if (poll.state === 'none') throw new ModuleFailure('wait_for: no way to test a port on this host (no /proc/net/tcp for a local address, no nc, no python3)', { port });
  const method: PortProbeMethod = poll.method;
  return { done: (poll.state === 'open') === (wanted === 'up'), extra: { probe: method } };
}

async function pollPath(ctx: HostContext, path: string, wanted: Wanted, regex: RegExp | undefined): Promise<Poll> {
  if (wanted === 'down') return { done: (await ctx.stat(path)) === null };
  if (!regex) return { done: (await ctx.stat(path, { follow: true })) !== null };
  const content = await ctx.readFile(path);
  const m = content === null ? null : regex.exec(content.toString('utf8'));
  if (!m) return { done: false };
  return { done: true, extra: { match_groups: m.slice(1), match_groupdict: { ...m.groups } } };
}

function compile(source: string): RegExp {
  try {
    // Python's named groups (?P<name>...) are written (?<name>...) in JavaScript
    return new RegExp(source.replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>'), 'm');
  } catch (e) {
    throw new ModuleFailure(`search_regex is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`, { search_regex: source });
  }
}

function timeoutMessage(p: Params, wanted: Wanted): string {
  if (p.port !== undefined) return `Timeout when waiting for ${p.host}:${p.port}${wanted === 'down' ? ' to stop.' : ''}`;
  if (p.path === undefined) return 'Timeout';
  if (wanted === 'down') return `Timeout when waiting for ${p.path} to be absent.`;
  return p.search_regex !== undefined ? `Timeout when waiting for search string ${p.search_regex} in ${p.path}` : `Timeout when waiting for file ${p.path}`;
}
