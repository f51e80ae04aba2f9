/** One entry point for "which variables does this text use": a template (`{{ }}`) or a condition. */
import { templateVariables } from '../template/referenced-variables.js';
import { conditionVariables } from './referenced.js';

/**
 * The root variables `text` names. Text that does not parse names none here: the loader
 * reports it with its location (and a condition built by a template, `{{ a }} and {{ b }}`,
 * is only known once rendered).
 */
export function referencedVariables(text: string | boolean, kind: 'template' | 'condition' = 'template'): string[] {
  if (typeof text === 'boolean') return [];
  try {
    return kind === 'condition' ? conditionVariables(text) : templateVariables(text);
  } catch {
    return [];
  }
}
