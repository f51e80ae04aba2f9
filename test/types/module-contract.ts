/**
 * The module contract in the types: each `@ts-expect-error` below is a
 * mistake the compiler must refuse (`npm run typecheck` fails if one of them
 * starts to compile). test/types/module-contract.test.ts also compiles this
 * file with the markers removed and checks each line fails for its reason.
 */
/* eslint-disable @typescript-eslint/no-unsafe-call -- each marked line calls what the types refuse, on purpose */
import { defineModule, defineProbe, sh, Type, type Plan } from '../../src/engine/module.js';

const params = Type.Object({ path: Type.String() }, { additionalProperties: false });
const exists = defineProbe({ name: 'test.exists', command: (path: string) => sh`test -e ${path}`, parse: (r) => r.exitCode === 0 });

export const checkRuns = defineModule({
  name: 'check_runs',
  description: 'check tries to run a command',
  params,
  async check(ctx, p) {
    // @ts-expect-error check's context has no run: what check may run is a declared probe
    await ctx.run(`touch ${p.path}`);
    return { changed: false };
  },
});

export const checkWrites = defineModule({
  name: 'check_writes',
  description: 'check tries to write a file',
  params,
  async check(ctx, p) {
    // @ts-expect-error check's context has no writeFile
    await ctx.writeFile(p.path, 'x');
    return { changed: false };
  },
});

export const checkSends = defineModule({
  name: 'check_sends',
  description: 'check tries an HTTP write',
  params,
  uses: 'http',
  async check(ctx, p) {
    const http = await ctx.http();
    // @ts-expect-error check's HTTP reader has no request
    await http.request({ method: 'PUT', path: p.path });
    // @ts-expect-error the reader's read takes GET or POST only
    await http.read({ method: 'DELETE', path: p.path });
    return { changed: false };
  },
});

export const checkProbesAString = defineModule({
  name: 'check_probes_a_string',
  description: 'check passes a command string as a probe',
  params,
  async check(ctx, p) {
    // @ts-expect-error a probe is declared with defineProbe, not a command string
    await ctx.probe(`test -e ${p.path}`);
    // @ts-expect-error a probe's arguments are typed
    await ctx.probe(exists, 42);
    return { changed: (await ctx.probe(exists, p.path)) ? false : false };
  },
});

export const changedWithoutState = defineModule({
  name: 'changed_without_state',
  description: 'a changed plan without the state apply needs',
  params,
  async check(): Promise<Plan<{ content: string }>> {
    // @ts-expect-error a changed plan must carry the state its type declares
    return { changed: true };
  },
});

export const unchangedWithState = defineModule({
  name: 'unchanged_with_state',
  description: 'an unchanged plan that carries state',
  params,
  async check(): Promise<Plan<{ content: string }>> {
    // @ts-expect-error an unchanged plan has nothing to carry to apply
    return { changed: false, state: { content: 'x' } };
  },
});

export const applyTyped = defineModule({
  name: 'apply_typed',
  description: 'apply gets the changed plan, state typed and present',
  params,
  async check(ctx, p): Promise<Plan<{ content: string }>> {
    const text = (await ctx.readFile(p.path))?.toString('utf8') ?? '';
    return text === 'x' ? { changed: false } : { changed: true, state: { content: 'x' } };
  },
  async apply(ctx, plan, p) {
    await ctx.writeFile(p.path, plan.state.content);
    // @ts-expect-error apply only ever receives a changed plan
    if (plan.changed === false) return;
  },
});
