/** The registry with every built-in module; a run adds the project's modules to it. */
import { builtinModules, moduleAliases } from '../modules/index.js';
import { ModuleRegistry } from './registry.js';

export function builtinRegistry(): ModuleRegistry {
  return new ModuleRegistry(builtinModules, moduleAliases);
}
