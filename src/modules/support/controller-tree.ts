/** Listing a directory on the control machine (copy's directory `src`): sub-directories first, then files, in sorted order. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface ControllerTree {
  /** relative paths of sub-directories, parents before children */
  readonly dirs: readonly string[];
  /** relative paths of regular files (symlinks followed) */
  readonly files: readonly string[];
}

export async function isControllerDir(path: string): Promise<boolean> {
  return (await stat(path)).isDirectory();
}

export async function listControllerTree(root: string): Promise<ControllerTree> {
  const dirs: string[] = [];
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(root, rel))).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = await stat(join(root, r));
      if (st.isDirectory()) {
        dirs.push(r);
        await walk(r);
      } else if (st.isFile()) files.push(r);
    }
  };
  await walk('');
  return { dirs, files };
}
