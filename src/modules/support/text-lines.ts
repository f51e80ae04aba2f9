/** Text files as lines that keep their own line endings (Python's readlines), so unchanged lines stay byte-identical. */

export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function stripEol(line: string): string {
  return line.replace(/\r?\n$/, '').replace(/\r$/, '');
}

/** The line without its final "\n" (what Python's `$` sees as the line). */
export function withoutNewline(line: string): string {
  return line.endsWith('\n') ? line.slice(0, -1) : line;
}

export function endsWithEol(line: string): boolean {
  return line.endsWith('\n') || line.endsWith('\r');
}
