import { describe, expect, it } from 'vitest';
import { Templar } from '../../../src/engine/template/index.js';

const vars = {
  list: ['a', 'b', 'c'],
  nums: [3, 1, 2],
  n: 7,
  s: '  Hello World  ',
  text: 'line1\nline2',
  obj: { k: 'v', n: 1 },
  json: '{"x":[1,2]}',
  empty: '',
  zero: 0,
};

const templar = new Templar({ lookupFile: (p) => `content of ${p}`, env: { HOME: '/home/me' } });

// [template, expected] — single expressions keep their type, mixed text is a string
const cases: [string, unknown][] = [
  ['{{default missing "fallback"}}', 'fallback'],
  ['{{default n 3}}', 7],
  ['{{default empty "x" true}}', 'x'],
  ['{{default empty "x"}}', ''],
  ['{{join list ","}}', 'a,b,c'],
  ['{{join list}}', 'abc'],
  ['{{to_json obj}}', '{"k":"v","n":1}'],
  ['{{to_nice_json obj 2}}', '{\n  "k": "v",\n  "n": 1\n}'],
  ['{{to_yaml obj}}', 'k: v\nn: 1\n'],
  ['{{from_json json}}', { x: [1, 2] }],
  ['{{b64encode "hi there"}}', 'aGkgdGhlcmU='],
  ['{{b64decode "aGkgdGhlcmU="}}', 'hi there'],
  ['{{indent text 2}}', 'line1\n  line2'],
  ['{{indent text 2 first=true}}', '  line1\n  line2'],
  ['{{quote "it\'s"}}', `'it'\\''s'`],
  ['{{quote "plain"}}', 'plain'],
  ['{{lookup "file" "/etc/motd"}}', 'content of /etc/motd'],
  ['{{lookup "env" "HOME"}}', '/home/me'],
  ['{{lookup obj "k"}}', 'v'],
  ['{{add n 3}}', 10],
  ['{{sub n 3}}', 4],
  ['{{mul n 2}}', 14],
  ['{{div n 2}}', 3.5],
  ['{{mod n 4}}', 3],
  ['{{eq n 7}}', true],
  ['{{ne n 7}}', false],
  ['{{lt n 8}}', true],
  ['{{le n 7}}', true],
  ['{{gt n 8}}', false],
  ['{{ge n 7}}', true],
  ['{{and n list}}', ['a', 'b', 'c']],
  ['{{and zero n}}', 0],
  ['{{or zero n}}', 7],
  ['{{not zero}}', true],
  ['{{upper "abc"}}', 'ABC'],
  ['{{lower "ABC"}}', 'abc'],
  ['{{trim s}}', 'Hello World'],
  ['{{replace "a-b-c" "-" "+"}}', 'a+b+c'],
  ['{{length list}}', 3],
  ['{{length obj}}', 2],
  ['{{first list}}', 'a'],
  ['{{last list}}', 'c'],
  ['{{range 3}}', [0, 1, 2]],
  ['{{range 1 7 2}}', [1, 3, 5]],
  ['{{list 1 "a"}}', [1, 'a']],
  ['{{dict a=1 b="x"}}', { a: 1, b: 'x' }],
  ['{{defined n}}', true],
  ['{{defined missing}}', false],
  ['{{#if (and (defined missing) missing)}}yes{{else}}no{{/if}}', 'no'],
  ['{{#each list}}{{@index}}={{this}};{{/each}}', '0=a;1=b;2=c;'],
  ['{{#unless zero}}none{{/unless}}', 'none'],
  ['{{#if missing}}yes{{else}}no{{/if}}', 'no'],
  ['{{#if list}}{{length list}}{{/if}}', '3'],
  ['{{#with obj}}{{k}}{{/with}}', 'v'],
  ['{{#each obj}}{{@key}}:{{this}} {{/each}}', 'k:v n:1 '],
  ['{{#each list}}{{@root.n}}{{/each}}', '777'],
];

describe('helpers', () => {
  it.each(cases)('%s', (template, expected) => {
    expect(templar.render(template, vars)).toEqual(expected);
  });

  it('never HTML-escapes', () => {
    expect(templar.renderString('{{x}}', { x: '<a href="&">' })).toBe('<a href="&">');
  });

  it('prints lists and mappings as JSON in text', () => {
    expect(templar.render('v={{list}} o={{obj}}', vars)).toBe('v=["a","b","c"] o={"k":"v","n":1}');
  });

  it.each([
    ['{{join n ","}}', /join: expected a list/],
    ['{{div n 0}}', /division by zero/],
    ['{{add n "x"}}', /add: expected a number/],
    ['{{lookup "nope" "x"}}', /unknown lookup/],
    ['{{nohelper n}}', /template error/],
    ['{{from_json "{bad"}}', /not valid JSON/],
  ])('%s fails with a TemplateError', (template, message) => {
    expect(() => templar.render(template, vars, { file: 'pb.yml', line: 4 })).toThrow(message);
    try {
      templar.render(template, vars, { file: 'pb.yml', line: 4 });
    } catch (e) {
      expect((e as { code: string }).code).toBe('E_TEMPLATE');
      expect((e as { location: unknown }).location).toEqual({ file: 'pb.yml', line: 4 });
    }
  });

  it('lookup "file" without a reader is an error', () => {
    expect(() => new Templar().render('{{lookup "file" "/x"}}', {})).toThrow(/no file reader/);
  });
});
