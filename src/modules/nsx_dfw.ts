/**
 * nsx_dfw: NSX-T distributed firewall as declared state: groups, services
 * and one security policy with ordered rules (or the `kubernetes` preset of
 * them). Check reads the declared objects (rules page by page), compares
 * only the fields the module manages, and plans one hierarchical
 * `PATCH /policy/api/v1/infra` with just what differs; apply sends it, and
 * on 412 (stale _revision) or 409 (modified by someone else) reads again,
 * plans again and resends, a bounded number of times. A second run sends
 * nothing. See docs/nsx.md.
 */
import { defineModule, ModuleFailure, type HttpReader, type Plan } from '../engine/module.js';
import { patchInfraUntilApplied } from './support/nsx/api.js';
import { DfwSpecError, desiredDfw, type DesiredDfw } from './support/nsx/dfw-desired.js';
import { dfwParams, type DfwParams } from './support/nsx/dfw-params.js';
import { describeChanges, planDfw, type DfwChange, type DfwPlan } from './support/nsx/dfw-plan.js';
import { readCurrentDfw } from './support/nsx/dfw-read.js';
import { kubernetesPreset, mergeSpec } from './support/nsx/k8s-preset.js';

interface State {
  /** the hierarchical PATCH /infra body check computed */
  readonly body: Record<string, unknown>;
}

function desiredFrom(p: DfwParams): DesiredDfw {
  const preset = p.preset === 'kubernetes' && p.kubernetes ? kubernetesPreset(p.kubernetes) : undefined;
  const spec = mergeSpec(preset, { groups: p.groups, services: p.services, ...(p.policy ? { policy: p.policy } : {}) });
  if (!spec.groups.length && !spec.services.length && !spec.policy) throw new ModuleFailure('nothing declared: give groups, services, policy or preset');
  try {
    return desiredDfw(p.domain, spec);
  } catch (e) {
    if (e instanceof DfwSpecError) throw new ModuleFailure(e.message);
    throw e;
  }
}

async function planFrom(http: HttpReader, desired: DesiredDfw, prune: boolean): Promise<DfwPlan> {
  return planDfw(desired, await readCurrentDfw(http, desired), prune);
}

const changeResult = (c: DfwChange) => ({ kind: c.kind, id: c.id, action: c.action, ...(c.fields ? { fields: c.fields } : {}) });

export default defineModule({
  name: 'nsx_dfw',
  uses: 'http',
  description: 'NSX-T distributed firewall: groups, services and a security policy with ordered rules, written in one hierarchical PATCH.',
  params: dfwParams,
  async check(ctx, p): Promise<Plan<State>> {
    const desired = desiredFrom(p);
    const plan = await planFrom(await ctx.http(), desired, p.prune);
    const result = { changes: plan.changes.map(changeResult), ...(desired.policy ? { policy: String(desired.policy['id']) } : {}) };
    if (plan.body === null) return { changed: false, summary: describeChanges(plan.changes), result };
    return {
      changed: true,
      summary: describeChanges(plan.changes),
      diff: plan.changes.map((c) => ({ label: `${c.action} ${c.kind} ${c.id}${c.fields ? ` (${c.fields.join(', ')})` : ''}`, before: c.before, after: c.after })),
      result,
      state: { body: plan.body },
    };
  },
  async apply(ctx, plan, p) {
    const http = await ctx.http();
    const desired = desiredFrom(p);
    return patchInfraUntilApplied(ctx, http, plan.state.body, async () => (await planFrom(http, desired, p.prune)).body);
  },
});
