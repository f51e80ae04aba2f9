/**
 * Escaping for hand-written XML 1.0. Characters XML 1.0 cannot carry at all
 * (control characters other than tab/newline/return, lone surrogates, U+FFFE/F)
 * become U+FFFD; markup characters become entities. Attribute values also keep
 * their tabs and line breaks as character references, which parsers would
 * otherwise normalise to spaces.
 */

const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const TEXT_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const ATTR_ENTITIES: Readonly<Record<string, string>> = {
  ...TEXT_ENTITIES,
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

function clean(s: string): string {
  return s.replace(NOT_XML_CHAR, '\uFFFD');
}

/** For element content. `>` is escaped too, so `]]>` can never appear. */
export function escapeXmlText(s: string): string {
  return clean(s).replace(/[&<>]/g, (c) => TEXT_ENTITIES[c] ?? c);
}

/** For a double- or single-quoted attribute value. */
export function escapeXmlAttr(s: string): string {
  return clean(s).replace(/[&<>"'\t\n\r]/g, (c) => ATTR_ENTITIES[c] ?? c);
}
