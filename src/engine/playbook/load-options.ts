/** What the playbook loader needs from the rest of the engine. */
import type { TSchema } from '@sinclair/typebox';
import type { ModuleParams } from '../validate/module-params.js';

/** Which task keys are modules, and their parameter schemas (the module registry satisfies this). */
export interface ModuleLookup {
  get(name: string): { readonly params: TSchema; readonly freeForm?: string; readonly name?: string; readonly conditionParams?: readonly string[] } | undefined;
  names(): readonly string[];
}

export interface LoadOptions {
  readonly modules: ModuleLookup;
  /** reads and parses a YAML file keeping positions; default loadYamlFile (the vault layer passes its own) */
  readonly readYaml?: (file: string) => unknown;
  /**
   * Directories searched for roles after the ones beside the playbook
   * (`<playbook dir>/roles`, and `<dir of the importing file>/roles`), in order,
   * e.g. the project root's `roles/`.
   */
  readonly rolesPath?: readonly string[];
  /** module parameter validator (one per run); a new one when not given */
  readonly params?: ModuleParams;
}
