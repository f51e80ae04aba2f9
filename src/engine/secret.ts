/**
 * Secrets: values from vault or tasks with `no_log`. A Secret masks itself when
 * printed, serialised or inspected; code that needs the clear text calls
 * `reveal()`. Every revealed value is also registered with the run's Redactor,
 * which scrubs it from any text before it reaches output, diffs or errors.
 */
import { inspect } from 'node:util';

export const MASK = '********';

export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return MASK;
  }
  toJSON(): string {
    return MASK;
  }
  [inspect.custom](): string {
    return MASK;
  }
  static isSecret(v: unknown): v is Secret {
    return v instanceof Secret;
  }
}

/** Collects the clear text of every secret seen in a run and removes it from text. */
export class Redactor {
  readonly #values = new Set<string>();
  #pattern: RegExp | undefined;

  add(value: string | Secret): void {
    const v = value instanceof Secret ? value.reveal() : value;
    // Very short values would mask ordinary text ("a", "1"); vault values are never that short.
    if (v.length < 3 || this.#values.has(v)) return;
    this.#values.add(v);
    // Multi-line secrets also appear line by line (in diffs); register each long line too.
    if (v.includes('\n')) for (const line of v.split('\n')) if (line.trim().length >= 6) this.#values.add(line);
    this.#pattern = undefined;
  }

  /** Registers every Secret inside a value (objects and arrays walked). */
  addAll(value: unknown): void {
    walkSecrets(value, (s) => this.add(s));
  }

  /** Is this exact text a registered secret (a vault value, a no_log argument, or one of their long lines)? */
  has(text: string): boolean {
    return this.#values.has(text);
  }

  get size(): number {
    return this.#values.size;
  }

  redact(text: string): string {
    if (this.#values.size === 0) return text;
    this.#pattern ??= new RegExp(
      [...this.#values]
        .sort((a, b) => b.length - a.length)
        .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
    return text.replace(this.#pattern, MASK);
  }

  /** Deep copy with every string (object keys too) redacted and every Secret masked. */
  redactValue<T>(value: T): T {
    return redactDeep(value, this) as T;
  }
}

function walkSecrets(value: unknown, fn: (s: Secret) => void, seen = new Set<object>()): void {
  if (value instanceof Secret) return fn(value);
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  for (const v of Array.isArray(value) ? value : Object.values(value)) walkSecrets(v, fn, seen);
}

function redactDeep(value: unknown, r: Redactor, seen = new Map<object, unknown>()): unknown {
  if (value instanceof Secret) return MASK;
  if (typeof value === 'string') return r.redact(value);
  // a number from a whole-file vault keeps its type in the run; shown, it is masked like its text
  if (typeof value === 'number') return r.redact(String(value)) === String(value) ? value : MASK;
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const v of value) out.push(redactDeep(v, r, seen));
    return out;
  }
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [k, v] of Object.entries(value)) out[r.redact(k)] = redactDeep(v, r, seen);
  return out;
}

/** Replaces every Secret in a value by its clear text (for rendering commands and files). */
export function revealDeep(value: unknown): unknown {
  if (value instanceof Secret) return value.reveal();
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(revealDeep);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = revealDeep(v);
  return out;
}

/** Does this value contain any Secret? */
export function containsSecret(value: unknown): boolean {
  let found = false;
  walkSecrets(value, () => {
    found = true;
  });
  return found;
}
