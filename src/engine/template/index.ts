/** Templating: the Templar and what the engine needs around it. */
export { Templar, type TemplarOptions } from './templar.js';
export { templateVariables } from './referenced-variables.js';
export { truthy } from './truthy.js';
export { UndefinedValue } from './undefined-value.js';
export type { Vars } from './frame.js';
export { templateSyntaxProblem, type SyntaxProblem } from './syntax.js';
