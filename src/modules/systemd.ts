/**
 * systemd: starts, stops, restarts or reloads a unit, enables or masks it,
 * and reloads systemd's configuration. State is read with one
 * `systemctl show`; the plan lists the systemctl actions, in Ansible's order
 * (daemon-reload, (un)mask, enable/disable, state).
 *
 * `restarted` and `reloaded` always report a change, as in Ansible.
 * Unlike Ansible, `daemon_reload: true` counts as a change when systemd says
 * the unit's files changed since the last reload (NeedDaemonReload=yes), or
 * always when no `name` is given: a reload that runs is a change, and a plan
 * that says "no change" would never be applied.
 */
import { defineModule, ModuleFailure, sh, Type, type HostContext, type Plan } from '../engine/module.js';
import { unitProperties } from './probes/systemd.js';
import { isNotFound, planUnit, SHOW_PROPERTIES, UnitPlanError, type UnitAction, type UnitStatus } from './support/systemd-unit.js';
import { runOrFail } from './support/host-commands.js';

const params = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, description: 'The unit, e.g. `nginx` or `nginx.service` (`.service` is implied).' })),
    state: Type.Optional(
      Type.Union([Type.Literal('started'), Type.Literal('stopped'), Type.Literal('restarted'), Type.Literal('reloaded')], {
        description: 'started/stopped act only when needed; restarted and reloaded always act (reloaded starts a stopped unit).',
      }),
    ),
    enabled: Type.Optional(Type.Boolean({ description: 'Whether the unit starts at boot.' })),
    masked: Type.Optional(Type.Boolean({ description: 'Whether the unit is masked (cannot be started at all).' })),
    daemon_reload: Type.Boolean({ default: false, description: 'Run `systemctl daemon-reload` first, so changed unit files are read.' }),
    scope: Type.Literal('system', { default: 'system', description: 'Only the system manager is supported.' }),
  },
  {
    additionalProperties: false,
    allOf: [
      { anyOf: [{ required: ['name'] }, { required: ['daemon_reload'], properties: { daemon_reload: { const: true } } }] },
      // a name alone asks for nothing: one of state, enabled, masked, daemon_reload is needed (Ansible's required_one_of)
      { if: { required: ['name'], not: { anyOf: [{ required: ['state'] }, { required: ['enabled'] }, { required: ['masked'] }, { required: ['daemon_reload'], properties: { daemon_reload: { const: true } } }] } }, then: false },
    ],
  },
);

type Params = typeof params.static;
interface State {
  readonly commands: readonly string[];
}

export default defineModule({
  name: 'systemd',
  description: 'Manages systemd units: state, enablement, masking, daemon-reload.',
  params,
  async check(ctx, p): Promise<Plan<State>> {
    if (!p.name && !p.daemon_reload) throw new ModuleFailure('one of name or daemon_reload is required', {});
    const status = p.name ? await readStatus(ctx, p.name) : {};
    let unitPlan;
    try {
      unitPlan = planUnit(status, p);
    } catch (e) {
      if (e instanceof UnitPlanError) throw new ModuleFailure(e.message, { name: p.name, status });
      throw e;
    }
    const commands = unitPlan.actions.map((a) => actionCommand(a, p.name));
    const result = { ...(p.name ? { name: p.name, status } : {}), ...(p.state ? { state: p.state } : {}), ...(p.enabled !== undefined ? { enabled: p.enabled } : {}) };
    if (unitPlan.actions.length === 0) return { changed: false, summary: `${p.name} already as wanted`, result };
    return {
      changed: true,
      summary: `${unitPlan.actions.join(', ')}${p.name ? ` ${p.name}` : ''}`,
      diff: p.name ? [{ label: p.name, before: unitPlan.before, after: unitPlan.after }] : [],
      result,
      state: { commands },
    };
  },
  async apply(ctx, plan, p) {
    for (const cmd of plan.state.commands) {
      await runOrFail(ctx, cmd, cmd, { message: `Unable to ${cmd.replace(/^systemctl /, '')}`, result: { name: p.name, changed: true } });
    }
    return p.name ? { result: { status: await readStatus(ctx, p.name) } } : undefined;
  },
});

async function readStatus(ctx: HostContext, name: string): Promise<UnitStatus> {
  const status = await ctx.probe(unitProperties, { unit: name, properties: SHOW_PROPERTIES });
  if (!status.LoadState) throw new ModuleFailure(`systemctl show ${name} gave no unit state`, { name });
  if (isNotFound(status) && (await unitFileExists(ctx, name))) {
    // a unit file systemd has not loaded yet (just written, or predicted by an earlier task under --check):
    // a new unit, stopped and disabled, that a daemon-reload will load
    return { ...status, LoadState: 'loaded', ActiveState: 'inactive', SubState: 'dead', UnitFileState: 'disabled', NeedDaemonReload: 'yes' };
  }
  return status;
}

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

/** Through ctx.stat, so check mode sees a unit file an earlier task would write. */
async function unitFileExists(ctx: HostContext, name: string): Promise<boolean> {
  const file = name.includes('.') ? name : `${name}.service`;
  for (const dir of UNIT_DIRS) if ((await ctx.stat(`${dir}/${file}`))?.type === 'file') return true;
  return false;
}

function actionCommand(action: UnitAction, name: string | undefined): string {
  if (action === 'daemon-reload') return 'systemctl daemon-reload';
  return sh`systemctl ${action} ${name ?? ''}`;
}

export type SystemdParams = Params;
