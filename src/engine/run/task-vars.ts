/** Builds the variables a task sees on a host, layer by layer (see vars/precedence.ts). */
import { mergeVars, type Vars } from '../vars/precedence.js';
import type { Inherited } from './inherited.js';
import type { InventoryView, PlayScope, RunContext } from './run-context.js';
import type { HostStates } from './host-state.js';

/** Ansible's `omit`: a parameter whose templated value is this is dropped. */
export const OMIT = '__omit_place_holder__tsplay__';

export function taskVars(rc: RunContext, ps: PlayScope, host: string, inh: Inherited): Vars {
  const hs = rc.hosts.get(host);
  return mergeVars({
    ...(inh.role ? { roleDefaults: inh.role.defaults, roleVars: inh.role.vars, roleParams: inh.role.params } : {}),
    inventory: rc.inventory.hostVars(host),
    facts: hs.facts,
    play: ps.play.vars,
    varsFiles: ps.varsFiles.get(host) ?? {},
    scoped: inh.vars,
    hostFacts: hs.hostFacts,
    extra: rc.extraVars,
    magic: magicVars(rc, ps, host, inh),
  });
}

/** The variables for a play-level template (hosts pattern, vars_files names): no host yet. */
export function playLevelVars(rc: RunContext, ps: Pick<PlayScope, 'play'>): Vars {
  return mergeVars({
    inventory: {},
    play: ps.play.vars,
    extra: rc.extraVars,
    magic: { groups: rc.inventory.groups(), playbook_dir: rc.options.playbookDir, omit: OMIT, check_mode: rc.options.check },
  });
}

function magicVars(rc: RunContext, ps: PlayScope, host: string, inh: Inherited): Vars {
  return {
    inventory_hostname: host,
    inventory_hostname_short: host.split('.')[0],
    groups: rc.inventory.groups(),
    group_names: rc.inventory.groupNames(host),
    hostvars: rc.hostvars,
    play_hosts: ps.batch,
    ansible_play_hosts: ps.playHosts.filter((h) => rc.hosts.get(h).active),
    ansible_play_hosts_all: ps.playHosts,
    ansible_play_batch: ps.batch,
    ansible_play_name: ps.play.name,
    playbook_dir: rc.options.playbookDir,
    check_mode: rc.options.check,
    ansible_check_mode: rc.options.check,
    ansible_diff_mode: rc.options.diff,
    omit: OMIT,
    ...(inh.role ? { role_name: inh.role.name, role_path: inh.role.dir } : {}),
  };
}

/**
 * hostvars: one lazily evaluated view per run (built with the RunContext);
 * hostvars.h is h's inventory vars, facts, set_fact and register results as they are now.
 */
export function buildHostvars(inventory: InventoryView, hosts: HostStates): Vars {
  const view: Vars = {};
  for (const host of Object.values(inventory.groups()).flat()) {
    if (Object.prototype.hasOwnProperty.call(view, host)) continue;
    Object.defineProperty(view, host, {
      enumerable: true,
      get: () => {
        const hs = hosts.get(host);
        return { ...inventory.hostVars(host), ...hs.facts, ...hs.hostFacts, inventory_hostname: host };
      },
    });
  }
  return view;
}
