/**
 * YAML loading that keeps source positions. Every object and array produced
 * carries (as a hidden symbol property) the file, line and column it came from
 * and the positions of its keys, so any later stage (validation, templating,
 * the executor) can say exactly where a value was written.
 */
import { readFileSync } from 'node:fs';
import {
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Node,
  type Tags,
} from 'yaml';
import { ParseError, type SourceLocation } from '../errors.js';
import { PYYAML_SCALAR_TAG_NAMES, PYYAML_SCALAR_TAGS } from './pyyaml-scalars.js';

const SOURCE = Symbol.for('tsplay.source');

interface Position {
  line: number;
  column: number;
}

interface SourceInfo {
  file: string;
  at: Position;
  /** object keys or array indexes → where that entry's key (or item) starts */
  entries: Map<string | number, Position>;
}

export interface YamlLoadOptions {
  /** Custom tags such as `!vault`, resolved while loading. */
  customTags?: Tags;
  /** Allow a file with several documents (returns them all); default: one document. */
  multiDocument?: boolean;
}

/** Reads and parses a YAML file; throws ParseError with file:line:col on any syntax problem. */
export function loadYamlFile(file: string, opts: YamlLoadOptions = {}): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ParseError('E_FILE_NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      location: { file },
    });
  }
  return parseYaml(text, file, opts);
}

export function parseYaml(text: string, file: string, opts: YamlLoadOptions = {}): unknown {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: true,
    merge: true,
    prettyErrors: false,
    customTags: (tags: Tags) => [...PYYAML_SCALAR_TAGS, ...tags.filter((t) => !isReplacedTag(t)), ...(opts.customTags ?? [])],
    strict: true,
    // YAML 1.1, as Ansible (PyYAML) reads it: `mode: 0644` is the octal 420, `yes`/`no` are
    // booleans; plain scalars are typed by PyYAML's own rules (pyyaml-scalars.ts)
    version: '1.1',
  });
  const list = Array.isArray(docs) ? docs : [];
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const p = pos(err.pos[0]);
      const message = err.code === 'DUPLICATE_KEY' ? `duplicate key: ${firstLine(err.message)}` : firstLine(err.message);
      throw new ParseError(err.code === 'DUPLICATE_KEY' ? 'E_YAML_DUPLICATE_KEY' : 'E_YAML_SYNTAX', message, {
        location: { file, line: p.line, column: p.column },
      });
    }
  }
  const values = list.map((doc) => {
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      throw new ParseError('E_YAML_SYNTAX', (e as Error).message, { location: { file } });
    }
    if (doc.contents) attach(value, doc.contents, doc, file, pos);
    return value;
  });
  if (opts.multiDocument) return values;
  if (values.length > 1) {
    throw new ParseError('E_YAML_SYNTAX', `expected one YAML document, found ${values.length}`, { location: { file } });
  }
  return values[0] ?? null;
}

/** A tag of the yaml library's 1.1 schema that PYYAML_SCALAR_TAGS replaces. */
function isReplacedTag(t: Tags[number]): boolean {
  return typeof t === 'object' && 'tag' in t && PYYAML_SCALAR_TAG_NAMES.has(t.tag);
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function attach(value: unknown, node: Node, doc: Document, file: string, pos: (o: number) => Position): void {
  const target = resolveAlias(node, doc);
  if (value === null || typeof value !== 'object' || !target) return;
  if (Object.prototype.hasOwnProperty.call(value, SOURCE)) return; // shared via alias
  const start = target.range?.[0] ?? 0;
  const info: SourceInfo = { file, at: pos(start), entries: new Map() };
  if (isMap(target) && !Array.isArray(value)) {
    for (const pair of target.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (key === undefined || key === '<<') continue;
      if (keyNode?.range) info.entries.set(key, pos(keyNode.range[0]));
      if (pair.value) attach((value as Record<string, unknown>)[key], pair.value as Node, doc, file, pos);
    }
  } else if (isSeq(target) && Array.isArray(value)) {
    target.items.forEach((item, i) => {
      const n = item as Node | null;
      if (n?.range) info.entries.set(i, pos(n.range[0]));
      if (n) attach(value[i], n, doc, file, pos);
    });
  }
  try {
    Object.defineProperty(value, SOURCE, { value: info, enumerable: false, configurable: true });
  } catch {
    /* frozen or exotic object: no location */
  }
}

function resolveAlias(node: Node, doc: Document): Node | undefined {
  if (isAlias(node)) return node.resolve(doc);
  return node;
}

function info(obj: unknown): SourceInfo | undefined {
  if (obj === null || typeof obj !== 'object') return undefined;
  return (obj as { [SOURCE]?: SourceInfo })[SOURCE];
}

/** Where an object (or one of its keys / indexes) was written, if it came from YAML. */
export function locate(obj: unknown, key?: string | number, field?: string): SourceLocation | undefined {
  const i = info(obj);
  if (!i) return undefined;
  const p = (key !== undefined && i.entries.get(key)) || i.at;
  return { file: i.file, line: p.line, column: p.column, ...(field ? { field } : {}) };
}

/**
 * Locates a JSON-pointer-like path (`/tasks/3/copy/mode` or ['tasks', 3, ...])
 * inside a loaded value: the deepest object on the path that has a position
 * answers, pointing at the key or item itself where known.
 */
export function locatePath(root: unknown, path: string | readonly (string | number)[], fieldPrefix = ''): SourceLocation | undefined {
  const segments = typeof path === 'string' ? pointerSegments(path) : [...path];
  let best: SourceLocation | undefined = locate(root);
  let cur: unknown = root;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object') break;
    const key = Array.isArray(cur) ? Number(seg) : String(seg);
    const here = locate(cur, key);
    if (here) best = here;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  if (!best) return undefined;
  const field = fieldPath(segments, fieldPrefix);
  return field ? { ...best, field } : best;
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `['tasks', 3, 'copy', 'mode']` → `tasks[3].copy.mode` */
export function fieldPath(segments: readonly (string | number)[], prefix = ''): string {
  let out = prefix;
  for (const s of segments) {
    if (typeof s === 'number' || /^\d+$/.test(s)) out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}

/** Copies the hidden location from one object to another (for values built from YAML objects). */
export function copyLocation<T extends object>(from: unknown, to: T): T {
  const i = info(from);
  if (i) Object.defineProperty(to, SOURCE, { value: i, enumerable: false, configurable: true });
  return to;
}
