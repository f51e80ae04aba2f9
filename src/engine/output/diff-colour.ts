/** Colours for diff lines: additions green, removals red, hunks cyan, changes yellow, headers bold. */
import type { Palette } from './palette.js';

export function colourDiffLine(line: string, palette: Palette): string {
  if (line.startsWith('+++ ') || line.startsWith('--- ')) return palette.paint('bold', line);
  if (line.startsWith('@@')) return palette.paint('cyan', line);
  if (line.startsWith('+')) return palette.paint('green', line);
  if (line.startsWith('-')) return palette.paint('red', line);
  if (line.startsWith('~')) return palette.paint('yellow', line);
  return line;
}
