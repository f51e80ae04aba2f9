/** Conditions: when, changed_when, failed_when, until, assert that. */
export {
  ConditionEvaluator,
  conditionsHold,
  evaluateCondition,
  evaluateExpression,
  type Condition,
  type ConditionOutcome,
} from './conditions.js';
export { conditionVariables } from './referenced.js';
export { referencedVariables } from './referenced-variables.js';
export { conditionSyntaxProblem, parseCondition } from './syntax.js';
