/**
 * XML for the vim25 SOAP client: writing elements (escaped, in the order the
 * WSDL wants them) and reading parsed responses without caring which prefix
 * the server gave its namespaces (soapenv:, soap:, none).
 */
import { XMLParser } from 'fast-xml-parser';

/** A parsed element: its text, or an object of attributes (`@name`), children and `#text`. */
export type XmlNode = string | { readonly [key: string]: XmlNode | readonly XmlNode[] };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  // names like "0042" or "true" stay strings; callers convert what they know to be numbers
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

export function parseXml(text: string): XmlNode {
  return parser.parse(text) as XmlNode;
}

export function escapeXml(value: string | number | boolean): string {
  return String(value).replace(/[<>&'"]/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[c]};`);
}

/** `<tag>value</tag>`; nothing when the value is undefined, so optional fields drop out. */
export function el(tag: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${tag}>${escapeXml(value)}</${tag}>`;
}

/** `<tag xsi:type="T">inner</tag>` with already-built inner XML; nothing when inner is undefined. */
export function raw(tag: string, inner: string | undefined, xsiType?: string): string {
  if (inner === undefined) return '';
  return `<${tag}${xsiType ? ` xsi:type="${escapeXml(xsiType)}"` : ''}>${inner}</${tag}>`;
}

const localName = (key: string): string => key.slice(key.indexOf(':') + 1);

/** The children named `name` (any prefix), always as an array. */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  if (node === undefined || typeof node === 'string') return [];
  const out: XmlNode[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@') || localName(key) !== name) continue;
    if (Array.isArray(value)) out.push(...(value as XmlNode[]));
    else out.push(value as XmlNode);
  }
  return out;
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

/** Follows a path of child names: `path(body, 'returnval', 'info', 'state')`. */
export function path(node: XmlNode | undefined, ...names: string[]): XmlNode | undefined {
  let cur = node;
  for (const n of names) cur = child(cur, n);
  return cur;
}

export function text(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node;
  const t = node['#text'];
  return typeof t === 'string' ? t : '';
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const v = node[`@${name}`];
  return typeof v === 'string' ? v : undefined;
}

/** The element's `xsi:type` without its prefix (`xsd:int` → `int`, `vim25:DuplicateName` → `DuplicateName`). */
export function xsiType(node: XmlNode | undefined): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@') && key.includes(':') && localName(key) === 'type' && typeof value === 'string') return localName(value);
  }
  return undefined;
}

/** The names of an element's children, in document order (fault details, unknown shapes). */
export function childNames(node: XmlNode | undefined): string[] {
  if (node === undefined || typeof node === 'string') return [];
  return Object.keys(node).filter((k) => !k.startsWith('@') && k !== '#text').map(localName);
}

export interface ElementRange {
  /** index of `<` of the opening tag */
  readonly start: number;
  readonly innerStart: number;
  readonly innerEnd: number;
  /** index just after the closing tag */
  readonly end: number;
}

/** Where the first element named `name` at or after `after` lies in raw XML text (nested same-name elements counted). */
export function elementRange(textXml: string, name: string, after = 0): ElementRange | undefined {
  const tag = new RegExp(`<(/?)(?:\\w+:)?${name}(?:\\s[^>]*)?(/?)>`, 'g');
  tag.lastIndex = after;
  const first = tag.exec(textXml);
  if (!first || first[1] === '/') return undefined;
  const start = first.index;
  const innerStart = start + first[0].length;
  if (first[2] === '/') return { start, innerStart, innerEnd: innerStart, end: innerStart };
  let depth = 1;
  for (let m = tag.exec(textXml); m; m = tag.exec(textXml)) {
    if (m[2] === '/') continue;
    depth += m[1] === '/' ? -1 : 1;
    if (depth === 0) return { start, innerStart, innerEnd: m.index, end: m.index + m[0].length };
  }
  return undefined;
}

/**
 * The inner XML of the first element named `name` found after `after` in the
 * raw text: to pass a server object back unchanged (a customization spec)
 * without modelling all of its types.
 */
export function innerXml(textXml: string, name: string, after = 0): string | undefined {
  const r = elementRange(textXml, name, after);
  return r ? textXml.slice(r.innerStart, r.innerEnd) : undefined;
}
