/**
 * A set of files to put on the host, plus directories to create first: the
 * plan of copy (one file, or a whole directory tree) and of template.
 */
import { sh, type ApplyContext, type ChangedPlan, type Diff, type FileInfo, type HostContext, type Plan } from '../../engine/module.js';
import { ModuleFailure } from '../../engine/module.js';
import { applyContentWrite, planContentWrite, type ContentWriteRequest, type ContentWriteState } from './content-write.js';
import { runOrFail } from './host-commands.js';

export interface FileSetState {
  /** directories to create, parents first */
  readonly mkdirs: readonly string[];
  readonly files: readonly ContentWriteState[];
}

/** `info`, when given, is the destination's stat already taken (saves a round trip). */
export type FileSetRequest = ContentWriteRequest & { readonly inNewDir?: boolean };

/** Host directories among `dirs` that are missing (fails when one exists as a non-directory). */
export async function missingDirs(ctx: HostContext, dirs: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const d of dirs) {
    const info: FileInfo | null = missing.some((m) => d.startsWith(`${m}/`)) ? null : await ctx.stat(d, { follow: true });
    if (info && info.type !== 'directory') throw new ModuleFailure(`${d} exists and is not a directory`, { path: d });
    if (!info) missing.push(d);
  }
  return missing;
}

/** Plans every file; files flagged `inNewDir` are known not to exist yet. */
export async function planFileSet(ctx: HostContext, mkdirs: readonly string[], files: readonly FileSetRequest[]): Promise<Plan<FileSetState>> {
  const plans: Plan<ContentWriteState>[] = [];
  for (const f of files) plans.push(await planContentWrite(ctx, f.inNewDir ? { ...f, info: null } : f));
  const changedFiles = plans.filter((p): p is ChangedPlan<ContentWriteState> => p.changed !== false);
  const diff: Diff[] = [
    ...mkdirs.map((d) => ({ label: d, before: { path: d, state: 'absent' }, after: { path: d, state: 'directory' } })),
    ...changedFiles.flatMap((p) => p.diff ?? []),
  ];
  const changed = mkdirs.length > 0 || changedFiles.length > 0;
  const only = plans.length === 1 ? plans[0] : undefined;
  const summary = only && mkdirs.length === 0 ? only.summary : changed ? `${changedFiles.length} file(s) and ${mkdirs.length} director(ies) to change` : 'all files are up to date';
  const result = only?.result ?? {};
  if (!changed) return { changed: false, ...(summary ? { summary } : {}), diff, result };
  return {
    changed: true,
    ...(summary ? { summary } : {}),
    diff,
    result,
    effects: [...mkdirs.map((d) => ({ path: d, state: 'directory' as const })), ...changedFiles.flatMap((p) => p.effects ?? [])],
    state: { mkdirs, files: changedFiles.map((p) => p.state) },
  };
}

export async function applyFileSet(ctx: ApplyContext, s: FileSetState, single: boolean): Promise<Record<string, unknown>> {
  for (const d of s.mkdirs) await runOrFail(ctx, sh`mkdir -p ${d}`, `creating directory ${d}`);
  let last: Record<string, unknown> = {};
  for (const f of s.files) last = await applyContentWrite(ctx, f);
  return single ? last : {};
}
