/**
 * `serial`: how a play's hosts are split into batches. A literal is checked
 * at load (by the schema) and turned into sizes here; a templated one is kept
 * with its location and rendered with the play's variables and extra vars
 * before any host is contacted (as Ansible templates play keywords), then
 * parsed the same way.
 */
import type { SourceLocation } from '../errors.js';
import { describeValue } from '../validate/describe.js';
import { isTemplated } from '../validate/deferred.js';

/** One batch: a number of hosts (0: all of them) or a share of the play's hosts (at least 1). */
export type BatchSize = { readonly hosts: number } | { readonly percent: number };

/** Sizes known at load, or a template to render before the run. */
export type SerialSetting =
  | { readonly sizes: readonly BatchSize[] }
  | {
      readonly template: unknown;
      /** where `serial:` is written, and each item of a list */
      readonly location: SourceLocation;
      readonly itemLocations?: readonly SourceLocation[];
    };

export interface SerialProblem {
  /** which item of a list (undefined: the value itself) */
  readonly index?: number;
  readonly message: string;
}

const NUMBER_OR_PERCENT = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/;

/** `5`, `"30%"`, `"5"`, `[1, "50%"]` → sizes; otherwise what is wrong (templates included: they are not rendered here). */
export function parseSerial(value: unknown): readonly BatchSize[] | SerialProblem {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return { message: 'expected a number, a percentage ("30%") or a list of them, got an empty list' };
  const sizes: BatchSize[] = [];
  for (const [i, item] of list.entries()) {
    const size = batchSizeOf(item);
    if (size === undefined) {
      const at = Array.isArray(value) ? { index: i } : {};
      return { ...at, message: `expected a number or a percentage ("30%"), got ${describeValue(item)}` };
    }
    sizes.push(size);
  }
  return sizes;
}

function batchSizeOf(v: unknown): BatchSize | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? { hosts: Math.floor(v) } : undefined;
  if (typeof v !== 'string') return undefined;
  const m = NUMBER_OR_PERCENT.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] ? { percent: n } : { hosts: Math.floor(n) };
}

/** The play's setting from its validated raw value (undefined when not set). */
export function serialSetting(raw: unknown, location: SourceLocation, itemLocations?: readonly SourceLocation[]): SerialSetting | undefined {
  if (raw === undefined || raw === null) return undefined;
  const templated = isTemplated(raw) || (Array.isArray(raw) && raw.some(isTemplated));
  if (templated) return { template: raw, location, ...(itemLocations ? { itemLocations } : {}) };
  const parsed = parseSerial(raw);
  // the schema already refused anything else
  return Array.isArray(parsed) ? { sizes: parsed } : { template: raw, location };
}
