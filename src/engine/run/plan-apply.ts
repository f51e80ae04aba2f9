/**
 * The one path from validated parameters to a result: `check`, then `apply`
 * only when the plan changes something and this is not a check run. The
 * executor (module-call.ts) and the module tests both go through here, so a
 * test sees exactly the semantics of a run: check-mode predictions recorded,
 * facts allowed only from modules that declare them, and a plan whose outcome
 * check cannot know reported as "would run".
 */
import type { AnyModule, ChangedPlan, Plan } from '../module.js';
import { ModuleFailure } from '../errors.js';
import { createApplyContext, createHostContext, type HostContextOptions } from './host-context.js';
import type { PredictedFiles } from './predicted-files.js';

/** What check mode remembers of one host between tasks. */
export interface HostPredictions {
  readonly predicted: PredictedFiles;
  predictedChanges: number;
}

export interface PlanApplyOptions {
  readonly checkMode: boolean;
  /** the target host's check-mode memory (the executor's; tests may leave it out) */
  readonly predictions?: HostPredictions;
  /** runs between check and apply: a test can change the host after the module has read it */
  readonly beforeApply?: () => unknown;
}

export interface PlanApplyOutcome {
  readonly plan: Plan<unknown>;
  /** did the host change (or, under --check, would it)? */
  readonly changed: boolean;
  /** under --check: the plan cannot say what a real run would do (a command without creates/removes) */
  readonly wouldRun: boolean;
  /** the registered result: the plan's, with apply's merged over it */
  readonly result: Record<string, unknown>;
  readonly facts?: Record<string, unknown>;
}

export async function planAndApply(mod: AnyModule, ctxOptions: HostContextOptions, params: unknown, o: PlanApplyOptions): Promise<PlanApplyOutcome> {
  const plan: Plan<unknown> = await mod.check(createHostContext(ctxOptions), params);
  if (plan.facts && !mod.setsFacts) {
    throw new ModuleFailure(`module '${mod.name}' returned facts but does not declare setsFacts ('param-keys' or 'dynamic')`);
  }
  let result: Record<string, unknown> = { ...plan.result };
  let facts = plan.facts ? { ...plan.facts } : undefined;
  if (!plan.changed) return { plan, changed: false, wouldRun: false, result, ...(facts ? { facts } : {}) };

  if (o.checkMode) {
    recordPrediction(plan, o.predictions);
    const wouldRun = plan.changed === 'unknown';
    return { plan, changed: !wouldRun, wouldRun, result, ...(facts ? { facts } : {}) };
  }
  // a real apply (check_mode: false inside a check run) makes earlier predictions for these paths stale
  if (plan.effects && o.predictions?.predicted.size) o.predictions.predicted.forget(plan.effects.map((e) => e.path));
  let changed = true;
  if (mod.apply) {
    await o.beforeApply?.();
    const out = await mod.apply(createApplyContext(ctxOptions), plan, params);
    if (out) {
      if (out.changed !== undefined) changed = out.changed;
      if (out.result) result = { ...result, ...out.result };
      if (out.facts) facts = { ...facts, ...out.facts };
    }
  }
  return { plan, changed, wouldRun: false, result, ...(facts ? { facts } : {}) };
}

function recordPrediction(plan: ChangedPlan<unknown>, predictions: HostPredictions | undefined): void {
  if (!predictions) return;
  predictions.predictedChanges++;
  if (plan.effects) predictions.predicted.record(plan.effects);
}
