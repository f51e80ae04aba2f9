/** One entry point for "which variables does this text use": a template (`{{ }}`) or a condition. */
import { templateVariables } from '../template/referenced-variables.js';
import { conditionVariables } from './referenced.js';

export function referencedVariables(text: string | boolean, kind: 'template' | 'condition' = 'template'): string[] {
  if (typeof text === 'boolean') return [];
  return kind === 'condition' ? conditionVariables(text) : templateVariables(text);
}
