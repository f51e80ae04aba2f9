/**
 * Variable precedence, lowest first (docs/variables.md says the same):
 *
 *   1. role defaults (defaults/main.yml)
 *   2. inventory: file vars, group_vars (all, parents, children), host vars, host_vars/
 *   3. gathered facts (ansible_facts and the ansible_* names)
 *   4. play vars
 *   5. play vars_files
 *   6. role vars (vars/main.yml)
 *   7. block vars, outer to inner, then task vars (and include_tasks vars)
 *   8. role params (`roles: [{role: x, vars: {...}}]`)
 *   9. set_fact and register
 *  10. extra vars (-e)
 *  11. magic variables (inventory_hostname, groups, hostvars, check_mode, ...): not overridable
 *
 * A later layer replaces a key of an earlier one entirely (dicts are not merged,
 * as Ansible's default hash_behaviour=replace).
 */
export type Vars = Record<string, unknown>;

export interface VarLayers {
  readonly roleDefaults?: Vars;
  readonly inventory: Vars;
  readonly facts?: Vars;
  readonly play?: Vars;
  readonly varsFiles?: Vars;
  readonly roleVars?: Vars;
  /** block vars outer → inner, then the task's own vars */
  readonly scoped?: readonly Vars[];
  readonly roleParams?: Vars;
  readonly hostFacts?: Vars;
  readonly extra?: Vars;
  readonly magic?: Vars;
}

export function mergeVars(l: VarLayers): Vars {
  const out: Vars = {};
  const layers: (Vars | undefined)[] = [
    l.roleDefaults,
    l.inventory,
    l.facts,
    l.play,
    l.varsFiles,
    l.roleVars,
    ...(l.scoped ?? []),
    l.roleParams,
    l.hostFacts,
    l.extra,
    l.magic,
  ];
  for (const layer of layers) if (layer) Object.assign(out, layer);
  return out;
}
