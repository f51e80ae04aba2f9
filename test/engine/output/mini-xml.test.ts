// The JUnit tests lean on this parser; it must reject what a real parser rejects.
import { describe, expect, it } from 'vitest';
import { parseXml } from './mini-xml.js';

describe('test XML parser', () => {
  it('reads elements, attributes, entities', () => {
    const root = parseXml('<?xml version="1.0"?>\n<a x="1 &amp; &#10;2"><b/>t&lt;&#x41;<c y="&quot;"></c></a>\n');
    expect(root.attrs['x']).toBe('1 & \n2');
    expect(root.text).toBe('t<A');
    expect(root.children.map((c) => c.name)).toEqual(['b', 'c']);
    expect(root.children[1]?.attrs['y']).toBe('"');
  });

  it.each([
    ['<a>x < y</a>', 'raw <'],
    ['<a>x & y</a>', 'raw &'],
    ['<a x="a"b"/>', 'quote inside an attribute'],
    ['<a><b></a></b>', 'crossed tags'],
    ['<a>\u0001</a>', 'control character'],
    ['<a/><b/>', 'two roots'],
    ['<a x="<"/>', 'raw < in attribute'],
  ])('rejects %j (%s)', (xml) => {
    expect(() => parseXml(xml)).toThrow();
  });
});
