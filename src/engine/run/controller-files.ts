/**
 * Finding files on the control machine the way Ansible does: an absolute path
 * as given; a relative one in the role's files/ or templates/ (and the role
 * root), then beside the playbook (and its files/ or templates/).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { ControllerFiles } from '../module.js';
import { ParseError, type SourceLocation } from '../errors.js';
import { locate, parseYaml } from '../yaml/load.js';

export interface SearchRoots {
  /** the role directory, if the task comes from a role */
  readonly roleDir?: string;
  /** the directory of the playbook file */
  readonly playbookDir: string;
  /** the file the task is written in (for the error location) */
  readonly location?: SourceLocation;
}

export function searchPaths(path: string, kind: 'files' | 'templates', roots: SearchRoots): string[] {
  if (isAbsolute(path)) return [path];
  const out: string[] = [];
  if (roots.roleDir) out.push(join(roots.roleDir, kind, path), join(roots.roleDir, path));
  out.push(join(roots.playbookDir, kind, path), join(roots.playbookDir, path));
  return out;
}

export function controllerFiles(roots: SearchRoots): ControllerFiles {
  const resolve = (path: string, kind: 'files' | 'templates'): string => {
    const candidates = searchPaths(path, kind, roots);
    const found = candidates.find((p) => existsSync(p));
    if (!found) {
      throw new ParseError('E_FILE_NOT_FOUND', `could not find '${path}' on the control machine`, {
        ...(roots.location ? { location: roots.location } : {}),
        hint: `looked in: ${candidates.join(', ')}`,
      });
    }
    return found;
  };
  return {
    resolve,
    read: (path, kind) => readFile(resolve(path, kind)),
    parseYaml: (text, file) => {
      const docs = parseYaml(text, file, { multiDocument: true }) as unknown[];
      return docs.map((value) => ({ value, where: locate(value) ?? { file } }));
    },
    locate: (value) => locate(value),
  };
}
