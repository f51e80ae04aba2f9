/**
 * Variable lookup shared by templates and conditions. Lookups read own
 * properties only (never the prototype chain), refuse `__proto__`,
 * `constructor` and `prototype`, and yield an UndefinedValue instead of
 * `undefined` for anything missing. A value that itself holds `{{ }}` is
 * rendered when it is used, against the same variables (Ansible's lazy vars);
 * a variable that needs itself is a TemplateError naming the chain.
 */
import { Secret } from '../secret.js';
import { TemplateError } from '../errors.js';
import { copyLocation } from '../yaml/load.js';
import type { Frame } from './frame.js';
import { assertAllowedKey, ownProperty } from './safe-keys.js';
import { UndefinedValue } from './undefined-value.js';

/** Renders a lazy variable's text in a child frame (type-preserving). */
export type LazyRenderer = (text: string, frame: Frame) => unknown;

const MAX_LAZY_DEPTH = 64;

export function hasTemplate(s: string): boolean {
  return s.includes('{{');
}

export class LazyVars {
  readonly #render: LazyRenderer;
  constructor(render: LazyRenderer) {
    this.#render = render;
  }

  /**
   * Looks `parts` up starting at `base`. `prefix` is the path of `base` itself
   * (for messages and cycle detection); empty when `base` is the root variables.
   */
  lookup(base: unknown, parts: readonly string[], frame: Frame, prefix = ''): unknown {
    let cur = base;
    let path = prefix;
    for (let i = 0; i < parts.length; i++) {
      const key = parts[i] as string;
      assertAllowedKey(key, frame.where);
      path = path === '' ? key : path.endsWith('@') ? path + key : `${path}.${key}`;
      if (cur instanceof UndefinedValue) {
        cur = cur.child(key);
        continue;
      }
      const found = ownProperty(cur, key);
      if (!found.found || found.value === undefined) {
        cur = new UndefinedValue(path);
        continue;
      }
      cur = i === parts.length - 1 ? this.resolve(found.value, frame, path) : this.resolveString(found.value, frame, path);
    }
    return cur;
  }

  /** A looked-up value with every `{{ }}` inside it rendered (copied only if something changed). */
  resolve(value: unknown, frame: Frame, name: string): unknown {
    if (typeof value === 'string') return this.resolveString(value, frame, name);
    if (!isWalkable(value) || !containsTemplate(value, new Set())) return value;
    return this.#resolveDeep(value, frame, name, new Map());
  }

  resolveString(value: unknown, frame: Frame, name: string): unknown {
    if (typeof value !== 'string' || !hasTemplate(value)) return value;
    if (frame.chain.includes(name)) {
      throw new TemplateError(`variable cycle: ${[...frame.chain.slice(frame.chain.indexOf(name)), name].join(' -> ')}`, locationOpt(frame));
    }
    if (frame.chain.length >= MAX_LAZY_DEPTH) {
      throw new TemplateError(`variables nest more than ${MAX_LAZY_DEPTH} levels deep: ${frame.chain.join(' -> ')}`, locationOpt(frame));
    }
    const child: Frame = { vars: frame.vars, where: frame.where, chain: [...frame.chain, name], mode: 'value', revealedSecret: false };
    return this.#render(value, child);
  }

  #resolveDeep(value: unknown, frame: Frame, name: string, seen: Map<object, unknown>): unknown {
    if (typeof value === 'string') return this.resolveString(value, frame, name);
    if (!isWalkable(value)) return value;
    const done = seen.get(value);
    if (done !== undefined) return done;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      value.forEach((v, i) => out.push(this.#resolveDeep(v, frame, `${name}[${i}]`, seen)));
      return copyLocation(value, out);
    }
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const [k, v] of Object.entries(value)) out[k] = this.#resolveDeep(v, frame, `${name}.${k}`, seen);
    return copyLocation(value, out);
  }
}

function locationOpt(frame: Frame): { location?: NonNullable<Frame['where']> } {
  return frame.where ? { location: frame.where } : {};
}

/** Arrays and plain objects (from YAML or JSON); Buffers, Secrets and class instances are left alone. */
export function isWalkable(v: unknown): v is object {
  if (v === null || typeof v !== 'object' || v instanceof Secret || Buffer.isBuffer(v)) return false;
  if (Array.isArray(v)) return true;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function containsTemplate(v: unknown, seen: Set<object>): boolean {
  if (typeof v === 'string') return hasTemplate(v);
  if (!isWalkable(v) || seen.has(v)) return false;
  seen.add(v);
  for (const x of Array.isArray(v) ? v : Object.values(v)) if (containsTemplate(x, seen)) return true;
  return false;
}
