/**
 * systemd unit state, read from one `systemctl show` and compared with what a
 * task wants. Pure functions: the module runs the probe and the actions.
 */
export const SHOW_PROPERTIES = ['Id', 'LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'CanReload', 'NeedDaemonReload', 'FragmentPath', 'Description'] as const;

export type UnitStatus = Readonly<Record<string, string>>;

/** `KEY=value` lines → a record (values may contain `=`). */
export function parseShow(stdout: string): UnitStatus {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** `systemctl is-enabled` answers 0 (enabled) for these. */
const ENABLED_FILE_STATES = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated', 'linked', 'linked-runtime']);
/** Enablement these units cannot change: there is no [Install] section to act on. */
const FIXED_FILE_STATES = new Set(['static', 'generated', 'indirect']);
const RUNNING = new Set(['active', 'activating', 'reloading', 'deactivating']);

export const isMasked = (s: UnitStatus): boolean => s.LoadState === 'masked' || s.UnitFileState === 'masked';
export const isEnabled = (s: UnitStatus): boolean => ENABLED_FILE_STATES.has(s.UnitFileState ?? '');
export const isRunning = (s: UnitStatus): boolean => RUNNING.has(s.ActiveState ?? '');
export const isNotFound = (s: UnitStatus): boolean => s.LoadState === 'not-found';

export type UnitAction = 'daemon-reload' | 'unmask' | 'mask' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload';

export interface UnitWanted {
  readonly name?: string | undefined;
  readonly state?: 'started' | 'stopped' | 'restarted' | 'reloaded' | undefined;
  readonly enabled?: boolean | undefined;
  readonly masked?: boolean | undefined;
  readonly daemon_reload?: boolean | undefined;
}

export type UnitView = {
  readonly state?: string;
  readonly enabled?: boolean;
  readonly masked?: boolean;
};

export interface UnitPlan {
  /** in the order they run: daemon-reload, (un)mask, enable/disable, start/stop/... */
  readonly actions: readonly UnitAction[];
  readonly before: UnitView;
  readonly after: UnitView;
}

/** A wish the unit cannot meet; the module turns it into a ModuleFailure. */
export class UnitPlanError extends Error {
  readonly code = 'E_SYSTEMD_PLAN';
}

/**
 * What to run to get from `s` to `want`. `restarted` and `reloaded` always
 * act (as Ansible); `reloaded` starts a unit that is not running.
 */
export function planUnit(s: UnitStatus, want: UnitWanted): UnitPlan {
  const actions: UnitAction[] = [];
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  if (want.daemon_reload && (!want.name || s.NeedDaemonReload === 'yes')) actions.push('daemon-reload');
  if (want.name && isNotFound(s) && !(want.masked === true && want.state === undefined && want.enabled === undefined)) {
    throw new UnitPlanError(`Could not find the requested service ${want.name}: host`);
  }
  let masked = isMasked(s);
  if (want.masked !== undefined) {
    before.masked = masked;
    after.masked = want.masked;
    if (want.masked !== masked) {
      // systemctl mask links /etc/systemd/system/NAME to /dev/null, which a unit file there would block
      if (want.masked && s.FragmentPath && s.Id && s.FragmentPath === `/etc/systemd/system/${s.Id}`) {
        throw new UnitPlanError(`unit ${want.name} cannot be masked: its unit file is ${s.FragmentPath} (where the mask link would go)`);
      }
      actions.push(want.masked ? 'mask' : 'unmask');
    }
    masked = want.masked;
  }
  if (want.enabled !== undefined) {
    const enabled = isEnabled(s);
    before.enabled = enabled;
    after.enabled = want.enabled;
    if (want.enabled !== enabled) {
      if (FIXED_FILE_STATES.has(s.UnitFileState ?? '')) throw new UnitPlanError(`unit ${want.name} is ${s.UnitFileState} and cannot be ${want.enabled ? 'enabled' : 'disabled'}`);
      if (masked && want.enabled) throw new UnitPlanError(`unit ${want.name} is masked and cannot be enabled (set masked: false)`);
      actions.push(want.enabled ? 'enable' : 'disable');
    }
  }
  if (want.state !== undefined) {
    const running = isRunning(s);
    before.state = running ? 'started' : 'stopped';
    after.state = want.state;
    const act = stateAction(want.state, running);
    if (act) {
      if (masked && act !== 'stop') throw new UnitPlanError(`unit ${want.name} is masked and cannot be ${want.state}`);
      actions.push(act);
    }
  }
  return { actions, before, after };
}

function stateAction(state: NonNullable<UnitWanted['state']>, running: boolean): UnitAction | undefined {
  switch (state) {
    case 'started':
      return running ? undefined : 'start';
    case 'stopped':
      return running ? 'stop' : undefined;
    case 'restarted':
      return 'restart';
    case 'reloaded':
      return running ? 'reload' : 'start';
  }
}
