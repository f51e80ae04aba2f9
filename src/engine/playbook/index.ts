/** The playbook loader's public surface. */
export { loadPlaybook } from './load-playbook.js';
export type { LoadOptions, ModuleLookup } from './load-options.js';
export { createTaskFileLoader, type TaskFileLoader } from './task-file-loader.js';
export { hostPatternProblem } from './host-pattern.js';
export type * from './model.js';
