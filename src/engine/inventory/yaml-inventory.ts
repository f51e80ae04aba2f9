/**
 * Ansible's YAML inventory format: top-level keys are groups; a group may have
 * `hosts`, `vars` and `children` (nested to any depth). Unlike Ansible, which
 * warns and skips, an unknown key in a group is an error with a did-you-mean.
 */
import { closest, distance } from 'fastest-levenshtein';
import { ParseError, type SourceLocation } from '../errors.js';
import { fieldPath, locate } from '../yaml/load.js';
import type { InventoryBuilder } from './builder.js';
import { HostRangeSyntax, parseHostKey } from './host-range.js';
import { findTemplateProblem } from '../template/syntax.js';

const GROUP_KEYS = ['hosts', 'vars', 'children'] as const;

type Path = readonly (string | number)[];

export function parseYamlInventory(data: unknown, file: string, builder: InventoryBuilder): void {
  if (data === null || data === undefined) {
    throw new ParseError('E_INVENTORY_STRUCTURE', 'inventory file is empty', { location: { file } });
  }
  if (!isMapping(data)) {
    throw new ParseError('E_INVENTORY_STRUCTURE', `an inventory must be a mapping of group names, found ${kind(data)}`, {
      location: locate(data) ?? { file },
    });
  }
  if ('plugin' in data) {
    throw new ParseError('E_INVENTORY_STRUCTURE', 'inventory plugin configuration files are not supported', {
      location: at(data, 'plugin', ['plugin'], file),
      hint: 'write hosts and groups in the YAML inventory format (all: {hosts: ..., children: ...})',
    });
  }
  const parser = new GroupParser(builder, file);
  for (const [name, body] of Object.entries(data)) parser.group(name, body, data, [name]);
}

class GroupParser {
  constructor(
    private readonly builder: InventoryBuilder,
    private readonly file: string,
  ) {}

  group(name: string, body: unknown, parent: Record<string, unknown>, path: Path): void {
    if (body !== null && body !== undefined && !isMapping(body)) {
      throw new ParseError('E_INVENTORY_STRUCTURE', `group '${name}' must be a mapping with hosts, vars or children, found ${kind(body)}`, {
        location: at(parent, name, path, this.file),
      });
    }
    this.builder.addGroup(name);
    if (!body) return;
    for (const key of Object.keys(body)) {
      if (!(GROUP_KEYS as readonly string[]).includes(key)) this.unknownKey(name, key, body, path);
    }
    // sections in the order they were written, as Ansible does (it decides host and group order)
    for (const key of Object.keys(body)) {
      if (key === 'vars') this.vars(name, body, path);
      else if (key === 'children') this.children(name, body, path);
      else if (key === 'hosts') this.hosts(name, body, path);
    }
  }

  private vars(name: string, body: Record<string, unknown>, path: Path): void {
    const vars = this.section(name, 'vars', body, path);
    checkTemplates(vars, [...path, 'vars'], this.file);
    for (const [key, value] of Object.entries(vars)) {
      this.builder.setGroupVar(name, key, value, at(body.vars, key, [...path, 'vars', key], this.file));
    }
  }

  private children(name: string, body: Record<string, unknown>, path: Path): void {
    const children = this.section(name, 'children', body, path);
    for (const [child, childBody] of Object.entries(children)) {
      this.group(child, childBody, children, [...path, 'children', child]);
      this.builder.addChild(name, child, at(children, child, [...path, 'children', child], this.file));
    }
  }

  private hosts(name: string, body: Record<string, unknown>, path: Path): void {
    const hosts = this.section(name, 'hosts', body, path);
    for (const [key, hostBody] of Object.entries(hosts)) this.host(name, key, hostBody, hosts, [...path, 'hosts', key]);
  }

  private host(group: string, key: string, body: unknown, parent: Record<string, unknown>, path: Path): void {
    const where = at(parent, key, path, this.file);
    if (body !== null && body !== undefined && !isMapping(body)) {
      throw new ParseError('E_INVENTORY_STRUCTURE', `variables of host '${key}' must be a mapping, found ${kind(body)}`, {
        location: where,
      });
    }
    let parsed;
    try {
      parsed = parseHostKey(key);
    } catch (e) {
      if (e instanceof HostRangeSyntax) throw new ParseError('E_INVENTORY_HOST_RANGE', e.message, { location: where });
      throw e;
    }
    if (body) checkTemplates(body, path, this.file);
    for (const name of parsed.names) {
      this.builder.addHost(name, group, parsed.port);
      for (const [k, v] of Object.entries(body ?? {})) this.builder.setHostVar(name, k, v);
    }
  }

  /** A section as a mapping: a string is one name (as Ansible allows), null is empty. */
  private section(group: string, key: (typeof GROUP_KEYS)[number], body: Record<string, unknown>, path: Path): Record<string, unknown> {
    const value = body[key];
    if (value === null || value === undefined) return {};
    if (typeof value === 'string' && key !== 'vars') return { [value]: null };
    if (!isMapping(value)) {
      throw new ParseError('E_INVENTORY_STRUCTURE', `'${key}' of group '${group}' must be a mapping, found ${kind(value)}`, {
        location: at(body, key, [...path, key], this.file),
        ...(Array.isArray(value) && key !== 'vars' ? { hint: `write each entry as a key: '${key}: {name1: , name2: }'` } : {}),
      });
    }
    return value;
  }

  private unknownKey(group: string, key: string, body: Record<string, unknown>, path: Path): never {
    const best = closest(key, [...GROUP_KEYS]);
    const near = distance(key, best) <= Math.max(2, Math.floor(key.length / 3));
    throw new ParseError('E_INVENTORY_UNKNOWN_KEY', `unknown key '${key}' in group '${group}'`, {
      location: at(body, key, [...path, key], this.file),
      hint: near ? `did you mean '${best}'? a group may only have hosts, vars and children` : 'a group may only have hosts, vars and children',
    });
  }
}

/** Variables are templates: one that does not parse is an input error here, not a task failure on every host later. */
function checkTemplates(vars: Record<string, unknown>, path: Path, file: string): void {
  const found = findTemplateProblem(vars);
  if (!found) return;
  const key = String(found.path[0]);
  const where = { ...at(vars, key, [...path, key], file), field: fieldPath([...path, ...found.path]) };
  throw new ParseError('E_TEMPLATE_SYNTAX', found.problem.message, { location: where, ...(found.problem.hint ? { hint: found.problem.hint } : {}) });
}

function at(obj: unknown, key: string, path: Path, file: string): SourceLocation {
  const field = fieldPath(path);
  return locate(obj, key, field) ?? { file, field };
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}
