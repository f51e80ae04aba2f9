/**
 * Tag selection, as ansible-playbook does it:
 *  - with no --tags, everything runs except tasks tagged `never`;
 *  - `--tags a,b` runs tasks having a or b, plus tasks tagged `always`
 *    (unless `always` is skipped);
 *  - `--tags all` is the default; `--tags tagged` / `untagged` select by
 *    whether a task has tags at all;
 *  - `--skip-tags` wins over `--tags`; `never` tasks run only when one of
 *    their other tags (or `never`) is asked for explicitly.
 */
export interface TagSelection {
  readonly only: readonly string[];
  readonly skip: readonly string[];
}

export function parseTagList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}

export function tagsSelect(taskTags: readonly string[], sel: TagSelection): boolean {
  const tags = new Set(taskTags);
  const only = sel.only.length ? new Set(sel.only) : new Set(['all']);
  const skip = new Set(sel.skip);

  if (skip.size) {
    if (skip.has('all') && !tags.has('always')) return false;
    if ([...tags].some((t) => skip.has(t))) return false;
    if (skip.has('tagged') && tags.size > 0) return false;
    if (skip.has('untagged') && tags.size === 0) return false;
  }
  if (tags.has('always') && !skip.has('always')) return true;
  if (tags.has('never')) {
    return [...tags].some((t) => t !== 'never' && only.has(t)) || only.has('never');
  }
  if (only.has('all')) return true;
  if (only.has('tagged') && tags.size > 0) return true;
  if (only.has('untagged') && tags.size === 0) return true;
  return [...tags].some((t) => only.has(t));
}
