/**
 * group_vars/ and host_vars/ of one directory, read the way Ansible's
 * host_group_vars plugin does: for an entity `name`, the first of `name`,
 * `name.yml`, `name.yaml`, `name.json` that exists; if it is a directory,
 * every file in it (recursively, sorted, skipping hidden and `~` backups, with
 * no extension or one of the three) merged in order. Each directory is listed
 * once; only names the inventory knows are read.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ParseError } from '../errors.js';
import { fieldPath, locate } from '../yaml/load.js';
import type { ReadYaml, Vars, VarsDir } from './model.js';
import { findTemplateProblem } from '../template/syntax.js';

const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

export function loadVarsDir(dir: string, groups: Iterable<string>, hosts: Iterable<string>, readYaml: ReadYaml): VarsDir {
  return {
    dir,
    groupVars: loadEntityVars(join(dir, 'group_vars'), groups, readYaml),
    hostVars: loadEntityVars(join(dir, 'host_vars'), hosts, readYaml),
  };
}

function loadEntityVars(dir: string, names: Iterable<string>, readYaml: ReadYaml): Map<string, Vars> {
  const out = new Map<string, Vars>();
  const entries = listDir(dir);
  if (entries.size === 0) return out;
  for (const name of names) {
    if (name.startsWith('/')) continue;
    const files = filesFor(dir, name, entries);
    if (files.length === 0) continue;
    const vars: Vars = {};
    for (const file of files) Object.assign(vars, readVarsFile(file, readYaml));
    out.set(name, vars);
  }
  return out;
}

function filesFor(dir: string, name: string, entries: ReadonlySet<string>): string[] {
  for (const ext of EXTENSIONS) {
    if (!entries.has(name + ext)) continue;
    const full = join(dir, name + ext);
    return isDirectory(full) ? filesInVarsDir(full) : [full];
  }
  return [];
}

function filesInVarsDir(dir: string): string[] {
  const out: string[] = [];
  for (const name of [...listDir(dir)].sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = join(dir, name);
    const ext = extname(name);
    if (isDirectory(full)) {
      if (!ext) out.push(...filesInVarsDir(full));
    } else if (EXTENSIONS.includes(ext)) {
      out.push(full);
    }
  }
  return out;
}

/** A vars file must hold a mapping; an empty file adds nothing. */
export function readVarsFile(file: string, readYaml: ReadYaml): Vars {
  const data = readYaml(file);
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ParseError('E_INVENTORY_VARS_FILE', `a variables file must hold a mapping, found ${Array.isArray(data) ? 'a list' : typeof data}`, {
      location: locate(data) ?? { file },
    });
  }
  // the values are templates: one that does not parse is reported now, at its line
  const found = findTemplateProblem(data);
  if (found) {
    const [key] = found.path;
    const field = fieldPath(found.path);
    throw new ParseError('E_TEMPLATE_SYNTAX', found.problem.message, {
      location: { ...(locate(data, key) ?? { file }), field },
      ...(found.problem.hint ? { hint: found.problem.hint } : {}),
    });
  }
  return data as Vars;
}

function listDir(dir: string): Set<string> {
  try {
    return new Set(readdirSync(dir));
  } catch {
    return new Set();
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
