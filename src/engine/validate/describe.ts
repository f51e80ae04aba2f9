/**
 * Human words for JSON schemas and values: "a list of strings", "a number",
 * "one of 'linear', 'free'". Used to turn ajv errors into messages like
 * "expected a list of strings, got a number".
 */
export type SchemaNode = Readonly<Record<string, unknown>>;

const SINGULAR: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  null: 'null',
  object: 'a mapping',
  array: 'a list',
};
const PLURAL: Record<string, string> = {
  string: 'strings',
  number: 'numbers',
  integer: 'integers',
  boolean: 'booleans',
  null: 'nulls',
  object: 'mappings',
  array: 'lists',
};

function asSchema(v: unknown): SchemaNode | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as SchemaNode) : undefined;
}

function quoteValue(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
}

/** "a list of strings", "a string or a list of strings" */
export function describeSchema(schema: unknown, plural = false): string {
  const s = asSchema(schema);
  if (!s) return plural ? 'values' : 'a value';
  if (typeof s.title === 'string') return plural && typeof s['x-plural'] === 'string' ? s['x-plural'] : s.title;
  const branches = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches)) {
    const words = [...new Set(branches.map((b) => describeSchema(b, plural)))];
    return words.join(' or ');
  }
  if ('const' in s) return quoteValue(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map(quoteValue).join(', ')}`;
  const type = s.type;
  if (Array.isArray(type)) return type.map((t) => describeType(String(t), s, plural)).join(' or ');
  if (typeof type === 'string') return describeType(type, s, plural);
  return plural ? 'values' : 'a value';
}

function describeType(type: string, s: SchemaNode, plural: boolean): string {
  if (type === 'array' && s.items !== undefined) {
    const inner = describeSchema(s.items, true);
    return plural ? `lists of ${inner}` : `a list of ${inner}`;
  }
  return (plural ? PLURAL[type] : SINGULAR[type]) ?? type;
}

/** JSON type of a value as JSON Schema names it. */
export function jsonType(value: unknown): 'null' | 'array' | 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'other' {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    default:
      return 'other';
  }
}

/** "a number", "the string 'fast'", "a mapping" (long strings are not repeated). */
export function describeValue(value: unknown, showStrings = true): string {
  const t = jsonType(value);
  if (t === 'string') {
    const v = value as string;
    return showStrings && v.length <= 40 && !v.includes('\n') ? `the string '${v}'` : 'a string';
  }
  if (t === 'integer') return 'a number';
  return SINGULAR[t] ?? 'a value';
}

/** Could a value of this JSON type satisfy the schema's `type` (ignoring other keywords)? */
export function schemaAcceptsType(schema: unknown, type: ReturnType<typeof jsonType>): boolean {
  const s = asSchema(schema);
  if (!s) return true;
  const branches = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches)) return branches.some((b) => schemaAcceptsType(b, type));
  if ('const' in s) return jsonType(s.const) === type || (type === 'number' && jsonType(s.const) === 'integer');
  const declared = s.type;
  if (declared === undefined) return true;
  const list = Array.isArray(declared) ? declared.map(String) : typeof declared === 'string' ? [declared] : [];
  return list.includes(type) || (type === 'integer' && list.includes('number'));
}
