/**
 * The text edits behind lineinfile, as pure functions of the file's text:
 * a port of Ansible's present() and absent() (lineinfile.py), index for index,
 * so files edited by Ansible and tsplay end up byte-identical.
 */
import { expandBackrefs, pythonRegex } from './python-regex.js';
import { endsWithEol, splitLines, stripEol, withoutNewline } from './text-lines.js';

export interface LineEdit {
  readonly text: string;
  readonly msg: string;
  /** lines removed (state=absent) */
  readonly found?: number;
}

export interface PresentOptions {
  readonly line: string;
  readonly regexp?: string | undefined;
  readonly searchString?: string | undefined;
  readonly insertafter?: string | undefined;
  readonly insertbefore?: string | undefined;
  readonly backrefs: boolean;
  readonly firstmatch: boolean;
}

const EOL = '\n';

export function presentLines(text: string, o: PresentOptions): LineEdit {
  const lines = splitLines(text);
  const re = o.regexp !== undefined ? pythonRegex(o.regexp, 'regexp') : undefined;
  const insRe =
    o.insertafter !== undefined && o.insertafter !== 'BOF' && o.insertafter !== 'EOF'
      ? pythonRegex(o.insertafter, 'insertafter')
      : o.insertbefore !== undefined && o.insertbefore !== 'BOF'
        ? pythonRegex(o.insertbefore, 'insertbefore')
        : undefined;
  let matchIndex = -1;
  let insertIndex = -1;
  let match: RegExpExecArray | null = null;
  let found = false;
  let exactLineMatch = false;

  if (re || o.searchString !== undefined) {
    for (const [i, cur] of lines.entries()) {
      const m = re ? re.exec(withoutNewline(cur)) : null;
      if (re ? m !== null : cur.includes(o.searchString ?? '')) {
        matchIndex = i;
        match = m;
        found = true;
        if (o.firstmatch) break;
      }
    }
  }
  if (!found) {
    for (const [i, cur] of lines.entries()) {
      if (stripEol(cur) === o.line) {
        matchIndex = i;
        exactLineMatch = true;
      } else if (insRe?.exec(withoutNewline(cur))) {
        if (o.insertafter !== undefined) {
          insertIndex = i + 1;
          if (o.firstmatch) break;
        }
        if (o.insertbefore !== undefined) {
          insertIndex = i;
          if (o.firstmatch) break;
        }
      }
    }
  }
  const add = (index: number): LineEdit => {
    lines.splice(index, 0, o.line + EOL);
    return { text: lines.join(''), msg: 'line added' };
  };
  const same = (): LineEdit => ({ text, msg: '' });

  if (matchIndex !== -1) {
    let newLine = o.backrefs && match ? expandBackrefs(o.line, match) : o.line;
    if (!newLine.endsWith(EOL)) newLine += EOL;
    if (!found && !exactLineMatch) return same(); // unreachable in Ansible's logic too; kept for parity
    if (lines[matchIndex] !== newLine) {
      lines[matchIndex] = newLine;
      return { text: lines.join(''), msg: 'line replaced' };
    }
    return same();
  }
  if (o.backrefs) return same();
  if (o.insertbefore === 'BOF' || o.insertafter === 'BOF') return add(0);
  if (o.insertafter === 'EOF' || insertIndex === -1) {
    const last = lines[lines.length - 1];
    if (last !== undefined && !endsWithEol(last)) lines.push(EOL);
    lines.push(o.line + EOL);
    return { text: lines.join(''), msg: 'line added' };
  }
  if (o.insertafter !== undefined) {
    if (lines.length === insertIndex) {
      if (stripEol(lines[insertIndex - 1] ?? '') !== o.line) {
        lines.push(o.line + EOL);
        return { text: lines.join(''), msg: 'line added' };
      }
      return same();
    }
    return o.line !== stripEol(lines[insertIndex] ?? '') ? add(insertIndex) : same();
  }
  return add(insertIndex);
}

export function absentLines(text: string, o: { line?: string | undefined; regexp?: string | undefined; searchString?: string | undefined }): LineEdit {
  const re = o.regexp !== undefined ? pythonRegex(o.regexp, 'regexp') : undefined;
  let found = 0;
  const kept = splitLines(text).filter((cur) => {
    const hit = re ? re.test(withoutNewline(cur)) : o.searchString !== undefined ? cur.includes(o.searchString) : stripEol(cur) === o.line;
    if (hit) found++;
    return !hit;
  });
  return { text: found ? kept.join('') : text, msg: found ? `${found} line(s) removed` : '', found };
}
