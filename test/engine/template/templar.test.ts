import { describe, expect, it } from 'vitest';
import { TemplateError, UndefinedVariableError } from '../../../src/engine/errors.js';
import { Redactor, Secret } from '../../../src/engine/secret.js';
import { Templar, templateVariables } from '../../../src/engine/template/index.js';
import { parseYaml } from '../../../src/engine/yaml/load.js';

const where = { file: 'site.yml', line: 12, column: 7 };

describe('type preservation', () => {
  const t = new Templar();
  const secret = new Secret('s3cr3t-value');
  const vars = { packages: ['nginx', 'curl'], port: 8080, on: true, nothing: null, conf: { a: 1 }, secret };
  it.each<[string, unknown]>([
    ['{{ packages }}', ['nginx', 'curl']],
    ['  {{ port }}  ', '  8080  '],
    ['{{ port }}\n', '8080\n'],
    ['{{port}}', 8080],
    ['{{~ port ~}}', 8080],
    ['{{ on }}', true],
    ['{{ nothing }}', null],
    ['{{ conf }}', { a: 1 }],
    ['{{ default missing 3 }}', 3],
    ['port {{ port }}', 'port 8080'],
    ['{{ port }}{{ port }}', '80808080'],
    ['no template', 'no template'],
  ])('%j', (template, expected) => {
    expect(t.render(template, vars)).toEqual(expected);
  });

  it('a single-expression Secret stays the same Secret', () => {
    expect(t.render('{{ secret }}', vars)).toBe(secret);
  });

  it('returns values without {{ as they are (no copy)', () => {
    const value = { a: ['x', { b: 'y' }], buf: Buffer.from('z') };
    expect(t.render(value, vars)).toBe(value);
  });

  it('deep-renders objects and arrays from YAML, keeping locations', () => {
    const doc = parseYaml('args:\n  name: "{{ packages }}"\n  port: "{{ port }}"\n  keep: 1\n', 'pb.yml') as { args: object };
    const out = t.render(doc.args, vars) as Record<string, unknown>;
    expect(out).toEqual({ name: ['nginx', 'curl'], port: 8080, keep: 1 });
    expect(out).not.toBe(doc.args);
  });

  it('leaves Buffers untouched', () => {
    const buf = Buffer.from('{{ port }}');
    expect(t.render(buf, vars)).toBe(buf);
  });
});

describe('lazy variables', () => {
  const t = new Templar();
  it.each<[string, Record<string, unknown>, unknown]>([
    ['{{ a }}', { a: '{{ b }}', b: 3 }, 3],
    ['{{ a }}', { a: '{{ b }}', b: '{{ c }}', c: ['x'] }, ['x']],
    ['{{ a.x }}', { a: { x: '{{ b }}-1' }, b: 'v' }, 'v-1'],
    ['{{ a.y }}', { a: '{{ b }}', b: { y: 2 } }, 2],
    ['{{ to_json a }}', { a: { x: '{{ b }}' }, b: 5 }, '{"x":5}'],
    ['{{ x.y }}', { x: { y: '{{ x.z }}', z: 1 } }, 1],
    ['{{#each l}}{{this}},{{/each}}', { l: ['{{ b }}', 'c'], b: 'B' }, 'B,c,'],
  ])('%s with %j', (template, vars, expected) => {
    expect(t.render(template, vars)).toEqual(expected);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ a: '{{ a }}' }, 'a -> a'],
    [{ a: '{{ b }}', b: '{{ a }}' }, 'a -> b -> a'],
    [{ a: 'x{{ b }}', b: '{{ c }}', c: '{{ a }}' }, 'a -> b -> c -> a'],
  ])('cycle %j is a TemplateError naming the chain', (vars, chain) => {
    expect(() => t.render('{{ a }}', vars, where)).toThrow(TemplateError);
    expect(() => t.render('{{ a }}', vars, where)).toThrow(`variable cycle: ${chain}`);
  });
});

describe('undefined variables', () => {
  const t = new Templar();
  const vars = { result: { rc: 0 }, hostvars: { cp1: { name: 'cp1' } }, list: [] };
  it.each<[string, string, string]>([
    ['{{ nope }}', 'nope', '{{ nope }}'],
    ['x {{ result.stdout }} y', 'result.stdout', '{{ result.stdout }}'],
    ['{{ hostvars.cp1.ip }}', 'hostvars.cp1.ip', '{{ hostvars.cp1.ip }}'],
    ['{{ a.b.c }}', 'a.b.c', '{{ a.b.c }}'],
    ['{{upper nope}}', 'nope', '{{upper nope}}'],
    ['{{join nope ","}}', 'nope', '{{join nope ","}}'],
    ['{{#each nope}}x{{/each}}', 'nope', '{{#each nope}}'],
    ['{{ default result.rc 1 }} {{ other }}', 'other', '{{ other }}'],
    ['{{#each list}}{{/each}}{{@root.gone}}', 'gone', '{{@root.gone}}'],
    ['{{eq nope 1}}', 'nope', '{{eq nope 1}}'],
  ])('%s names %s', (template, variable, expression) => {
    let caught: unknown;
    try {
      t.render(template, vars, where);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UndefinedVariableError);
    const err = caught as UndefinedVariableError;
    expect(err.variable).toBe(variable);
    expect(err.expression).toBe(expression);
    expect(err.location).toEqual(where);
    expect(err.message).toBe(`undefined variable '${variable}' in '${expression}'`);
  });

  it('points at the line inside a template file', () => {
    try {
      t.renderString('a\nb\nvalue={{ missing }}\n', vars, { file: 'templates/app.conf' });
      expect.unreachable();
    } catch (e) {
      expect((e as UndefinedVariableError).location).toEqual({ file: 'templates/app.conf', line: 3 });
    }
  });
});

describe('hostile input', () => {
  const t = new Templar();
  it.each([
    '{{ constructor }}',
    '{{ a.constructor.constructor }}',
    '{{ a.__proto__ }}',
    '{{lookup a "constructor"}}',
    '{{ a.prototype }}',
    '{{#with a}}{{constructor}}{{/with}}',
  ])('%s is refused', (template) => {
    expect(() => t.render(template, { a: { b: 1 } }, where)).toThrow(TemplateError);
    expect(() => t.render(template, { a: { b: 1 } }, where)).toThrow(/not allowed/);
  });

  it('does not read inherited properties', () => {
    expect(() => t.render('{{ a.toString }}', { a: {} })).toThrow(UndefinedVariableError);
    expect(() => t.render('{{ hasOwnProperty }}', {})).toThrow(UndefinedVariableError);
  });

  it('a syntax error is a TemplateError with the location', () => {
    expect(() => t.render('{{#if x}}', { x: 1 }, where)).toThrow(TemplateError);
  });

  it('deeply nested blocks render or fail cleanly', () => {
    const deep = '{{#if a}}'.repeat(300) + 'x' + '{{/if}}'.repeat(300);
    expect(t.render(deep, { a: 1 })).toBe('x');
  });

  it('does not touch the global Handlebars instance', async () => {
    const { default: Handlebars } = await import('handlebars');
    expect(Object.keys(Handlebars.helpers)).not.toContain('default');
    expect(Handlebars.compile('{{x}}')({ x: '<b>' })).toBe('&lt;b&gt;');
  });
});

describe('secrets', () => {
  const pw = new Secret('hunter22-pw');
  it('a Secret in a template file prints clear text and is registered with the Redactor', () => {
    const redactor = new Redactor();
    const t = new Templar({ redactor });
    expect(t.renderString('password={{ pw }}', { pw })).toBe('password=hunter22-pw');
    expect(redactor.redact('log: hunter22-pw')).toBe('log: ********');
  });

  it('a Secret inside a mixed playbook string makes the result a Secret', () => {
    const redactor = new Redactor();
    const out = new Templar({ redactor }).render('--password={{ pw }}', { pw });
    expect(out).toBeInstanceOf(Secret);
    expect((out as Secret).reveal()).toBe('--password=hunter22-pw');
    expect(String(out)).toBe('********');
    expect(redactor.size).toBe(1);
  });

  it('a Secret reached through a lazy variable stays secret', () => {
    const out = new Templar().render('{{ dsn }}', { dsn: 'user:{{ pw }}@db', pw });
    expect(out).toBeInstanceOf(Secret);
    expect((out as Secret).reveal()).toBe('user:hunter22-pw@db');
  });

  it('error messages never contain the clear text', () => {
    const t = new Templar({ redactor: new Redactor() });
    expect(() => t.render('{{ from_json pw }}', { pw })).toThrow(/not valid JSON/);
    try {
      t.render('{{ from_json pw }}', { pw });
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter22');
    }
  });
});

describe('templateVariables', () => {
  it.each<[string, string[]]>([
    ['{{ a }} {{ b.c }}', ['a', 'b']],
    ['{{default x "y"}} {{join l ","}}', ['x', 'l']],
    ['{{#each users}}{{name}} {{@index}} {{this}} {{../domain}} {{@root.tld}}{{/each}}', ['users', 'domain', 'tld']],
    ['{{#if on}}{{ value }}{{/if}}', ['on', 'value']],
    ['{{#each xs as |x|}}{{x}}{{/each}}', ['xs']],
    ['{{ list }}', ['list']],
    ['{{ upper (lower name) }}', ['name']],
    ['plain text', []],
  ])('%s', (template, names) => {
    expect(templateVariables(template).sort()).toEqual([...names].sort());
  });
});
