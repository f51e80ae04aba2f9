/**
 * `-i` sources: a file, or a directory whose inventory files (.yml, .yaml,
 * .json; subdirectories too) are read in sorted order, skipping hidden
 * entries and group_vars/, host_vars/, vars_plugins/ as Ansible does. Each
 * source also names the directory its group_vars/ and host_vars/ live in.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { ParseError } from '../errors.js';

const INVENTORY_EXTENSIONS = new Set(['.yml', '.yaml', '.json']);
const SKIPPED_DIRS = new Set(['group_vars', 'host_vars', 'vars_plugins']);

export interface ExpandedSource {
  /** the source as given (resolved to an absolute path) */
  readonly source: string;
  /** inventory files to parse, in order */
  readonly files: readonly string[];
  /** where group_vars/ and host_vars/ for this source are looked for */
  readonly varsDir: string;
}

export function expandSource(source: string): ExpandedSource {
  const path = resolve(source);
  const stat = statOrUndefined(path);
  if (!stat) {
    throw new ParseError('E_INVENTORY_NOT_FOUND', `inventory source not found: ${source}`, {
      location: { file: source },
      hint: 'pass an inventory file or directory with -i',
    });
  }
  if (stat.isDirectory()) return { source: path, files: inventoryFilesIn(path), varsDir: path };
  return { source: path, files: [path], varsDir: dirname(path) };
}

function inventoryFilesIn(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = join(dir, name);
    const stat = statOrUndefined(full);
    if (stat?.isDirectory()) {
      if (!SKIPPED_DIRS.has(name)) out.push(...inventoryFilesIn(full));
    } else if (stat?.isFile() && INVENTORY_EXTENSIONS.has(extname(name))) {
      out.push(full);
    }
  }
  return out;
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
