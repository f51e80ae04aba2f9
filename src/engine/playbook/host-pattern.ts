/**
 * A syntax check of host patterns (`web:&prod:!db1`, `web[0:3]`, `~re`), done
 * at load so a typo fails before any host is contacted. Matching is the
 * inventory's job; templated patterns are checked when rendered.
 */
import { isTemplated } from '../validate/deferred.js';

/** What is wrong with the pattern, or undefined when it is well formed. */
export function hostPatternProblem(pattern: string): string | undefined {
  if (isTemplated(pattern)) return undefined;
  if (pattern.trim() === '') return 'the host pattern is empty';
  const parts = splitPattern(pattern);
  if (typeof parts === 'string') return parts;
  for (const [i, raw] of parts.entries()) {
    const part = raw.trim();
    const op = part[0] === '!' || part[0] === '&' ? part[0] : '';
    const body = part.slice(op.length);
    if (part === '') return i === parts.length - 1 ? 'the pattern ends with a separator' : 'empty pattern between separators';
    if (body === '') return `'${op}' is not followed by a pattern`;
    if (op === '&' && i === 0) return `'&' needs a pattern before it to intersect with`;
    if (/\s/.test(body)) return `'${body}' contains a space`;
    if (body.startsWith('~')) {
      try {
        new RegExp(body.slice(1));
      } catch {
        return `'${body}' is not a valid regular expression`;
      }
      continue;
    }
    if (/[!&]/.test(body)) return `'${body}': '!' and '&' go at the start of a pattern`;
    if (!/^[^[\]]+(?:\[-?\d*(?::-?\d*)?\])?$/.test(body)) return `'${body}' is not a valid pattern (a name, a glob, name[0:2], or ~regex)`;
  }
  return undefined;
}

/** Splits on ',' and ':' outside brackets; a string result is an error. */
function splitPattern(pattern: string): string[] | string {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of pattern) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (depth < 0) return "unbalanced ']'";
    if (depth === 0 && (ch === ',' || ch === ':')) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (depth !== 0) return "unbalanced '['";
  parts.push(cur);
  return parts;
}
