/** A unified diff of two texts, labelled `before: PATH` / `after: PATH`, 3 lines of context. */
import { createTwoFilesPatch } from 'diff';

export const DIFF_CONTEXT = 3;

/** The patch's lines without the `====` separator line diff@8 puts first. Empty when the texts are equal. */
export function unifiedDiffLines(label: string, before: string, after: string): string[] {
  if (before === after) return [];
  const patch = createTwoFilesPatch(`before: ${label}`, `after: ${label}`, before, after, undefined, undefined, {
    context: DIFF_CONTEXT,
  });
  const lines = patch.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.filter((l) => !/^=+$/.test(l));
}
