/**
 * The text edit behind blockinfile, a pure function of the file's text: a
 * port of Ansible's blockinfile.py. An existing marked block is replaced in
 * place; otherwise the block goes after/before the last line matching
 * insertafter/insertbefore, or at EOF/BOF.
 */
import { pythonRegex } from './python-regex.js';
import { splitLines, stripEol } from './text-lines.js';

export interface BlockOptions {
  readonly block: string;
  readonly present: boolean;
  readonly marker: string;
  readonly markerBegin: string;
  readonly markerEnd: string;
  readonly insertafter?: string | undefined;
  readonly insertbefore?: string | undefined;
}

export function editBlock(text: string, o: BlockOptions): { text: string; msg: string } {
  const lines = splitLines(text);
  const begin = o.marker.replaceAll('{mark}', o.markerBegin);
  const end = o.marker.replaceAll('{mark}', o.markerEnd);
  const blockLines = o.present && o.block !== '' ? [begin + '\n', ...splitLines(o.block.endsWith('\n') ? o.block : `${o.block}\n`), end + '\n'] : [];
  const insertRe =
    o.insertbefore === undefined && (o.insertafter === undefined || o.insertafter === 'EOF')
      ? undefined
      : o.insertbefore === 'BOF'
        ? undefined
        : pythonRegex(o.insertafter ?? o.insertbefore ?? '', o.insertafter !== undefined ? 'insertafter' : 'insertbefore');

  let n0: number | undefined;
  let n1: number | undefined;
  lines.forEach((line, i) => {
    if (stripEol(line) === begin) n0 = i;
    if (stripEol(line) === end) n1 = i;
  });
  let at: number;
  if (n0 === undefined || n1 === undefined) {
    if (insertRe) {
      let hit: number | undefined;
      lines.forEach((line, i) => {
        if (insertRe.test(stripEol(line))) hit = i;
      });
      at = hit === undefined ? lines.length : o.insertafter !== undefined ? hit + 1 : hit;
    } else at = o.insertbefore !== undefined ? 0 : lines.length;
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
    at = n0;
  } else {
    lines.splice(n1, n0 - n1 + 1);
    at = n1;
  }
  if (at > 0 && blockLines.length && !(lines[at - 1] ?? '').endsWith('\n')) lines[at - 1] = `${lines[at - 1] ?? ''}\n`;
  lines.splice(at, 0, ...blockLines);
  const after = lines.join('');
  const msg = after === text ? '' : !blockLines.length ? 'Block removed' : 'Block inserted';
  return { text: after, msg };
}
