import jsep from 'jsep';
import { describe, expect, it } from 'vitest';
import { TemplateError, UndefinedVariableError } from '../../../src/engine/errors.js';
import { ConditionEvaluator, evaluateCondition, evaluateExpression, referencedVariables } from '../../../src/engine/expr/index.js';
import { Secret } from '../../../src/engine/secret.js';
import { Templar } from '../../../src/engine/template/index.js';
import { stringContaining } from '../../helpers/matchers.js';

const where = { file: 'site.yml', line: 20, column: 9, field: 'tasks[2].when' };
const vars = {
  a: 1,
  name: 'web01',
  flag: 'yes',
  off: 'false',
  empty: '',
  none: null,
  list: ['x', 'y'],
  nums: [1, 2, 3],
  conf: { port: 80, tls: false },
  ok: { changed: false, failed: false, skipped: false, rc: 0, stdout: 'all good', stdout_lines: ['all good'] },
  bad: { changed: true, failed: true, skipped: false, rc: 2 },
  skip: { changed: false, skipped: true },
  hostvars: { cp1: { ip: '10.0.0.1' } },
  groups: { web: ['web01', 'web02'] },
  lazy: '{{ a }}',
  lazylist: '{{ nums }}',
  pw: new Secret('hunter22-pw'),
};

const ev = new ConditionEvaluator(new Templar());

// [condition, expected]
const table: [string | boolean, boolean][] = [
  [true, true],
  [false, false],
  ['a == 1', true],
  ['a != 1', false],
  ['a < 2 and a >= 1', true],
  ['a > 1 or a <= 0', false],
  ['not a == 2', true],
  ['not (a == 1)', false],
  ['not a', false],
  ["name == 'web01'", true],
  ['name == "web01"', true],
  ["name != 'db'", true],
  ['x is defined', false],
  ['x is not defined', true],
  ['x is undefined', true],
  ['a is defined', true],
  ['conf.port is defined', true],
  ['conf.nope is defined', false],
  ['conf.nope.deeper is defined', false],
  ['missing.attr is not defined', true],
  ['none is none', true],
  ['a is none', false],
  ['ok is changed', false],
  ['bad is changed', true],
  ['bad is failed', true],
  ['ok is succeeded', true],
  ['ok is success', true],
  ['bad is not failed', false],
  ['skip is skipped', true],
  ['not ok is changed', true],
  ['ok.rc == 0 and ok is not failed', true],
  ["'good' in ok.stdout", true],
  ["'x' in list", true],
  ["'z' not in list", true],
  ["'port' in conf", true],
  ["'host' in conf", false],
  ["name in groups['web']", true],
  ['2 in nums', true],
  ["hostvars['cp1'].ip == '10.0.0.1'", true],
  ['hostvars.cp1.ip == "10.0.0.1"', true],
  ["ok.stdout_lines[0] == 'all good'", true],
  ['nums[-1] == 3', true],
  ['list | length == 2', true],
  ['list | length > 1 and a == 1', true],
  ['not list | length > 5', true],
  ['flag | bool', true],
  ['off | bool', false],
  ["'yes' | bool", true],
  ["'no' | bool", false],
  ["'1' | int + 1 == 2", true],
  ["'2.5' | float > 2", true],
  ['a | string == "1"', true],
  ['name | upper == "WEB01"', true],
  ['"  X " | trim | lower == "x"', true],
  ["list | join(',') == 'x,y'", true],
  ['list | first == "x"', true],
  ['list | last == "y"', true],
  ["x | default('d') == 'd'", true],
  ['x | default(3) > 2', true],
  ["empty | default('e', true) == 'e'", true],
  ['True and not False', true],
  ['true', true],
  ['None is none', true],
  ['[1, 2] == [1, 2]', true],
  ["[1, 'a'] == nums", false],
  ['[1, 2] | length == 2', true],
  ['(a == 1 or a == 2) and name', true],
  ['empty', false],
  ['conf.tls', false],
  ['lazy == 1', true],
  ['lazylist | length == 3', true],
  ['"{{ a }}" == "1" or true', true],
  ["pw == 'hunter22-pw'", true],
  ['a + 1 == 2 and a * 3 == 3 and 7 // 2 == 3 and 7 % 2 == 1', true],
  ["'a' ~ 'b' == 'ab'", true],
  ['flag', true],
  ['off', false],
];

describe('conditions', () => {
  it.each(table)('%s → %s', (cond, expected) => {
    expect(ev.evaluateCondition(cond, vars, where)).toBe(expected);
  });

  it('a condition in {{ }} works and returns a warning instead of printing', () => {
    expect(ev.check('{{ a == 1 }}', vars, where)).toEqual({ result: true, warning: stringContaining('{{ }}') });
    expect(ev.check('a == 1', vars, where)).toEqual({ result: true });
    expect(ev.check('{{ a }} == 1', vars, where).result).toBe(true);
  });

  it('conditionsHold: all must hold; an empty list holds', () => {
    expect(ev.conditionsHold([], vars)).toBe(true);
    expect(ev.conditionsHold(['a == 1', true], vars)).toBe(true);
    expect(ev.conditionsHold(['a == 1', 'bad is changed', 'x is defined'], vars)).toBe(false);
    expect(ev.holds(['a == 1'], vars)).toBe(true);
  });

  it('evaluateExpression returns the value', () => {
    expect(evaluateExpression('list | length', vars)).toBe(2);
    expect(evaluateExpression('conf', vars)).toEqual({ port: 80, tls: false });
    expect(evaluateCondition('a == 1', vars)).toBe(true);
  });

  it.each<[string, string]>([
    ['x == 1', 'x'],
    ['ok.stdout_missing == 1', 'ok.stdout_missing'],
    ['hostvars.cp9.ip == 1', 'hostvars.cp9.ip'],
    ["hostvars['cp9'].ip", 'hostvars.cp9.ip'],
    ['a == 1 and y', 'y'],
    ['x | length', 'x'],
    ['x is changed', 'x'],
    ["'a' in nolist", 'nolist'],
  ])('%s is an UndefinedVariableError for %s', (cond, variable) => {
    let caught: unknown;
    try {
      ev.evaluateCondition(cond, vars, where);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UndefinedVariableError);
    expect((caught as UndefinedVariableError).variable).toBe(variable);
    expect((caught as UndefinedVariableError).location).toEqual(where);
    expect((caught as UndefinedVariableError).expression).toBe(cond);
  });

  it('short-circuits like Jinja: the right side of a false and is not read', () => {
    expect(ev.evaluateCondition('x is defined and x.y == 1', vars)).toBe(false);
    expect(ev.evaluateCondition('x is not defined or x.y == 1', vars)).toBe(true);
  });
});

describe('hostile and malformed conditions', () => {
  it.each([
    'constructor',
    'a.constructor.constructor',
    "conf['__proto__']",
    'conf.prototype',
    "name['constructor']",
    'list.constructor("x")',
    'x is constructor',
    'a | constructor',
    'this',
    'a ? 1 : 2',
    'f(1)',
    'a = 1',
    'nums[0:1]',
    'a == ',
    '(' .repeat(3000) + '1' + ')'.repeat(3000),
    'not '.repeat(5000) + 'a',
    'a' + ' + a'.repeat(4000),
  ])('%s is rejected with a TemplateError', (cond) => {
    expect(() => ev.evaluateCondition(cond, vars, where)).toThrow(TemplateError);
  });

  it('error messages never contain secret values', () => {
    try {
      ev.evaluateCondition('pw | int > nothing_here', vars, where);
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter22');
    }
  });

  it('leaves the jsep operator tables exactly as it found them', () => {
    const before = JSON.stringify(jsep.binary_ops);
    ev.evaluateCondition("'z' not in list and a is defined", vars);
    expect(JSON.stringify(jsep.binary_ops)).toBe(before);
    expect(jsep('a && b').type).toBe('BinaryExpression');
    expect(jsep.binary_ops['not in']).toBeUndefined();
    expect(jsep.binary_ops['and']).toBeUndefined();
  });

  it('is not confused by operators another module adds to jsep', () => {
    jsep.addBinaryOp('and', 20);
    try {
      expect(ev.evaluateCondition('a == 2 and a == 1 or true', vars)).toBe(true);
      expect(new ConditionEvaluator().evaluateCondition('a == 1 and a == 2', vars)).toBe(false);
    } finally {
      jsep.removeBinaryOp('and');
    }
  });
});

describe('referencedVariables', () => {
  it.each<[string, 'template' | 'condition', string[]]>([
    ['a == 1 and b is defined', 'condition', ['a', 'b']],
    ["x | default(y) | join(',')", 'condition', ['x', 'y']],
    ["hostvars[inventory_hostname].ip in ips", 'condition', ['hostvars', 'inventory_hostname', 'ips']],
    ['result is changed', 'condition', ['result']],
    ['{{ a }} and {{join b ","}}', 'template', ['a', 'b']],
  ])('%s (%s)', (text, kind, names) => {
    expect(referencedVariables(text, kind).sort()).toEqual([...names].sort());
  });
});
