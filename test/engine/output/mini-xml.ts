/**
 * A strict little XML parser for the tests: elements, double-quoted attributes,
 * text and the five entities plus numeric references. Throws on anything
 * malformed (unbalanced tags, a raw `<` or `&`, characters XML 1.0 forbids).
 */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function decode(raw: string, where: number): string {
  if (FORBIDDEN.test(raw)) throw new Error(`character not allowed in XML near ${where}`);
  if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(raw)) throw new Error(`raw markup character near ${where}: ${raw}`);
  return raw.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : (ENTITIES[e] as string),
  );
}

export function parseXml(xml: string): XmlElement {
  let i = 0;
  const decl = /^<\?xml [^?]*\?>\s*/.exec(xml);
  if (decl) i = decl[0].length;
  const name = /[A-Za-z_][\w.-]*/y;
  const attrRe = /\s+([A-Za-z_][\w.-]*)="([^"]*)"/y;

  function element(): XmlElement {
    if (xml[i] !== '<') throw new Error(`expected < at ${i}`);
    i++;
    name.lastIndex = i;
    const m = name.exec(xml);
    if (!m) throw new Error(`expected a tag name at ${i}`);
    i = name.lastIndex;
    const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
    for (;;) {
      attrRe.lastIndex = i;
      const a = attrRe.exec(xml);
      if (!a) break;
      if ((a[1] as string) in el.attrs) throw new Error(`duplicate attribute ${a[1]}`);
      el.attrs[a[1] as string] = decode(a[2] as string, i);
      i = attrRe.lastIndex;
    }
    if (xml.startsWith('/>', i)) {
      i += 2;
      return el;
    }
    if (xml[i] !== '>') throw new Error(`expected > at ${i} in <${el.name}>, got ${JSON.stringify(xml.slice(i, i + 20))}`);
    i++;
    for (;;) {
      const lt = xml.indexOf('<', i);
      if (lt < 0) throw new Error(`unclosed <${el.name}>`);
      el.text += decode(xml.slice(i, lt), i);
      i = lt;
      if (xml.startsWith('</', i)) {
        const close = `</${el.name}>`;
        if (!xml.startsWith(close, i)) throw new Error(`expected ${close} at ${i}`);
        i += close.length;
        return el;
      }
      el.children.push(element());
    }
  }

  const root = element();
  if (xml.slice(i).trim() !== '') throw new Error(`content after the root element at ${i}`);
  return root;
}
