/**
 * "did you mean ...?" for unknown keys, modules, parameters and enum values:
 * the nearest candidate by Levenshtein distance, only when it is close enough
 * to be a plausible typo: 1 edit for words of 1-2 letters, else 2 (a swap of two
 * letters is 2 edits), or a third of a long word, never more than 3.
 */
import { distance } from 'fastest-levenshtein';

export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = word.length <= 2 ? 1 : Math.min(3, Math.max(2, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/** `; did you mean 'become'?` or '' */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const n = nearest(word, candidates);
  return n === undefined ? '' : `; did you mean '${n}'?`;
}
