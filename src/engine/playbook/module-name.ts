/**
 * Module names as tasks write them: `ansible.builtin.copy`, `ansible.legacy.copy`
 * and `tsplay.builtin.copy` all mean `copy`. (The registry has the same rule;
 * the loader keeps its own copy so it depends only on the ModuleLookup port.)
 */
export function normaliseModuleName(name: string): string {
  const m = /^(?:ansible\.(?:builtin|legacy)|tsplay\.builtin)\.(.+)$/.exec(name);
  return m?.[1] ?? name;
}
