/**
 * Conditions and templates are judged without variables, at load: what
 * parses and what the engine can evaluate is accepted, everything else is a
 * problem with a message (and, for common Jinja2 habits, a hint).
 */
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../../src/engine/errors.js';
import { ConditionEvaluator, conditionSyntaxProblem } from '../../../src/engine/expr/index.js';
import { Templar, templateSyntaxProblem } from '../../../src/engine/template/index.js';

describe('conditionSyntaxProblem', () => {
  it.each([
    true,
    false,
    'a == 1',
    'x is defined and y == 1',
    'not a is defined',
    'r is not failed',
    'x is none',
    "'already' not in result.stdout",
    'pkgs | length > 10',
    "name | default('a') | upper == 'A'",
    "groups['web'][0] == inventory_hostname",
    'list[-1] in [1, 2]',
    'a ~ b == "ab"',
    '{{ x == 1 }}', // the evaluator takes the expression inside (with a warning)
    '{{ a }} == {{ b }}', // a template giving a condition: only known once rendered
  ])('%s is accepted', (c) => {
    expect(conditionSyntaxProblem(c)).toBeUndefined();
  });

  // [condition, part of the message]
  it.each([
    ['x ==', 'Expected expression after =='],
    ['a b c', 'two expressions side by side'],
    ['x == 1 and', 'two expressions side by side'],
    ['1 if x else 2', 'two expressions side by side'],
    ['f(x)', 'function calls are not allowed'],
    ['x.startswith("a")', 'function calls are not allowed'],
    ['this', "'this' is not allowed"],
    ['a ? b : c', 'Unexpected "?"'],
    ['x = 1', 'Unexpected "="'],
    ['x is defind', "unknown test 'defind'"],
    ['x is 5', "'is' must be followed by the name of a test"],
    ['x | lenght > 0', "unknown filter 'lenght'"],
    ['x | default(f(1))', 'function calls are not allowed'],
    ['(x == 1', 'Unclosed ('],
    ['  ', 'the condition is empty'],
    ['{{ x == }}', 'Expected expression after =='],
    ['{{ a }} and {{ b', 'template does not parse'],
  ])('%s: %s', (c, part) => {
    expect(conditionSyntaxProblem(c)?.message).toContain(part);
  });

  it("hints at '==' when a single '=' is written", () => {
    expect(conditionSyntaxProblem('x = 1')?.hint).toContain("'=='");
  });

  it('the evaluator refuses what the check refuses, with the same message', () => {
    const ev = new ConditionEvaluator(new Templar());
    for (const c of ['a b c', 'x is defind', 'x | lenght > 0']) {
      const problem = conditionSyntaxProblem(c)?.message;
      expect(() => ev.evaluateCondition(c, { a: 1, b: 2, c: 3, x: 'y' })).toThrow(TemplateError);
      expect(() => ev.evaluateCondition(c, { a: 1, b: 2, c: 3, x: 'y' })).toThrow(problem);
    }
  });
});

describe('templateSyntaxProblem', () => {
  it.each([
    'no template here',
    '{{ x }}',
    '{{default x "a"}}',
    '{{#if (eq a b)}}yes{{else}}no{{/if}}',
    '{{#each users as |u|}}{{u.name}}{{/each}}',
    '{{ list }}', // a bare name is a variable even when a helper has it
    '{{lookup hostvars inventory_hostname}}',
    '{{ @root.x }} {{ ../y }} {{ this.z }}',
    'port {{ port }}\n{{ join list "," }}',
    '{{#if a b}}x{{/if}}', // tsplay's #if reads its first argument only
  ])('%s is accepted', (t) => {
    expect(templateSyntaxProblem(t)).toBeUndefined();
  });

  // [template, part of the message, part of the hint or undefined]
  it.each([
    ['{{ x ', "ends inside '{{ }}'", undefined],
    ['{{#if x}}yes', "a block ('{{#...}}') is not closed", undefined],
    ['{{#if x}}yes{{/each}}', "'{{#if}}' is closed by '{{/each}}'", undefined],
    ['{{/if}}', "has no opening '{{#...}}'", undefined],
    ['{{else}}', "'{{else}}' outside", undefined],
    ['{{x.[}}', "a character that cannot appear inside '{{ }}'", undefined],
    ['{{ a b=}}', "unexpected '}}'", undefined],
    ['line one\n{{ y', '(line 2 of the value)', undefined],
    ["{{ x | default('a') }}", 'template does not parse', 'Jinja2 filters are Handlebars helpers'],
    ['{{ x == 1 }}', 'template does not parse', 'comparisons and tests are helpers'],
    ['{{ x.__proto__ }}', "access to '__proto__' is not allowed", undefined],
    ['{{> partial }}', 'partials', undefined],
    ['{{defualt x "a"}}', "unknown helper 'defualt'; did you mean 'default'?", 'helpers are listed'],
    ['{{#each}}{{/each}}', "'{{#each}}' takes one argument, got 0", 'write {{#each x}}'],
    ['{{#with a b}}x{{/with}}', "'{{#with}}' takes one argument, got 2", 'write {{#with x}}'],
  ])('%s: %s', (t, message, hint) => {
    const p = templateSyntaxProblem(t);
    expect(p?.message).toContain(message);
    if (hint === undefined) expect(p?.hint).toBeUndefined();
    else expect(p?.hint).toContain(hint);
  });

  it('what it refuses, the Templar cannot render either', () => {
    const templar = new Templar();
    for (const t of ['{{ x ', '{{#if x}}yes{{/each}}', '{{defualt x "a"}}', '{{#each}}{{/each}}', '{{#each a b}}{{/each}}', '{{#with a b}}x{{/with}}', '{{> partial }}']) {
      expect(templateSyntaxProblem(t), t).toBeDefined();
      expect(() => templar.render(t, { x: 1, a: [1], b: [2] }), t).toThrow();
    }
  });
});
