/** Finding files the loader reads: YAML with either extension, and readable names for import chains. */
import { existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** `<dir>/<base>.yml` or `.yaml` (or the name as given when it has an extension). */
export function findYaml(dir: string, base: string): string | undefined {
  const candidates = /\.ya?ml$/.test(base) ? [join(dir, base)] : [join(dir, `${base}.yml`), join(dir, `${base}.yaml`), join(dir, base)];
  return candidates.find(isFile);
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** `site.yml → common.yml → site.yml`, relative to the first file's directory */
export function describeChain(chain: readonly string[], base: string): string {
  return chain.map((f) => relative(base, f) || f).join(' → ');
}
