/**
 * `when`, `changed_when`, `failed_when`, `until` and `assert that`. One
 * ConditionEvaluator per run: it shares the run's Templar (so variables are
 * looked up and lazily rendered exactly as in templates) and caches parsed
 * expressions per string, since the same condition is evaluated per host.
 */
import { TemplateError, type SourceLocation } from '../errors.js';
import { rootFrame, type Vars } from '../template/frame.js';
import { singleExpressionBody } from '../template/single-expression.js';
import { Templar } from '../template/templar.js';
import { truthy } from '../template/truthy.js';
import { MissingVariable, UndefinedValue } from '../template/undefined-value.js';
import { userError } from '../template/user-error.js';
import { evaluate } from './evaluate.js';
import { toBool } from './filters.js';
import type { Node } from './parse.js';
import { parseCondition } from './syntax.js';

export type Condition = string | boolean;

export interface ConditionOutcome {
  readonly result: boolean;
  /** set when the condition was wrapped in `{{ }}` (Ansible warns: conditions are already expressions) */
  readonly warning?: string;
}

const BOOL_WORDS = /^(true|false|yes|no|on|off)$/i;
const CACHE_LIMIT = 10_000;

export class ConditionEvaluator {
  readonly #templar: Templar;
  readonly #parsed = new Map<string, Node>();

  constructor(templar: Templar = new Templar()) {
    this.#templar = templar;
  }

  evaluateExpression(expr: string, vars: Vars, where?: SourceLocation): unknown {
    const frame = rootFrame(vars, where, 'value');
    try {
      const value = evaluate(this.#parse(expr, where), { lazy: this.#templar.vars, frame });
      // a condition that is only a missing variable is an error too (only `is defined`-style tests look at it)
      if (value instanceof UndefinedValue) throw new MissingVariable(value.path);
      return value;
    } catch (e) {
      throw userError(e, expr, where);
    }
  }

  evaluateCondition(expr: Condition, vars: Vars, where?: SourceLocation): boolean {
    return this.check(expr, vars, where).result;
  }

  /** Like evaluateCondition, and says when the condition needlessly used `{{ }}`. */
  check(expr: Condition, vars: Vars, where?: SourceLocation): ConditionOutcome {
    if (typeof expr === 'boolean') return { result: expr };
    if (typeof expr !== 'string') throw new TemplateError('a condition must be a string or a boolean', where ? { location: where } : {});
    let text = expr.trim();
    let warning: string | undefined;
    if (text.includes('{{')) {
      warning = `conditional statements should not include jinja2 templating delimiters such as {{ }}: ${text}`;
      const single = singleExpressionBody(text);
      text = single ?? String(this.#templar.render(text, vars, where));
    }
    const value = this.evaluateExpression(text, vars, where);
    const result = typeof value === 'string' && BOOL_WORDS.test(value.trim()) ? toBool(value) : truthy(value);
    return warning ? { result, warning } : { result };
  }

  /** Every condition holds; an empty list holds. */
  conditionsHold(list: readonly Condition[], vars: Vars, where?: SourceLocation): boolean {
    return list.every((c) => this.evaluateCondition(c, vars, where));
  }

  /** The engine's ConditionEngine port. */
  holds(conditions: readonly Condition[], vars: Vars, where?: SourceLocation): boolean {
    return this.conditionsHold(conditions, vars, where);
  }

  #parse(expr: string, where?: SourceLocation): Node {
    const hit = this.#parsed.get(expr);
    if (hit) return hit;
    const node = parseCondition(expr.trim(), where);
    if (this.#parsed.size >= CACHE_LIMIT) this.#parsed.clear();
    this.#parsed.set(expr, node);
    return node;
  }
}

/** One-off helpers; an engine run should keep one ConditionEvaluator (it caches parses). */
export function evaluateCondition(expr: Condition, vars: Vars, where?: SourceLocation, evaluator = new ConditionEvaluator()): boolean {
  return evaluator.evaluateCondition(expr, vars, where);
}

export function evaluateExpression(expr: string, vars: Vars, where?: SourceLocation, evaluator = new ConditionEvaluator()): unknown {
  return evaluator.evaluateExpression(expr, vars, where);
}

export function conditionsHold(list: readonly Condition[], vars: Vars, where?: SourceLocation, evaluator = new ConditionEvaluator()): boolean {
  return evaluator.conditionsHold(list, vars, where);
}

