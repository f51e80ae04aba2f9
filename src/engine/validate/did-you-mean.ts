/**
 * "did you mean ...?" for unknown keys, modules, parameters and enum values:
 * the nearest candidate by Levenshtein distance, only when it is close enough
 * to be a plausible typo (at most a third of the word, and never more than 3).
 */
import { distance } from 'fastest-levenshtein';

export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
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
