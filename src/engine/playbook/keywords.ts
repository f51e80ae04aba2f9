/**
 * Conversions from validated raw keyword values to the model's shapes:
 * conditions to lists, tags to a list of strings, yes/no to booleans, and the
 * Inheritable settings any play, block or task may carry.
 */
import { parseBoolean } from '../validate/coerce.js';
import type { Inheritable, LoopControl, Vars } from './model.js';

export type RawMap = Readonly<Record<string, unknown>>;

export function toConditions(v: unknown): (string | boolean)[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.filter((c): c is string | boolean => typeof c === 'string' || typeof c === 'boolean');
}

/** `a,b` or `[a, b]` → ['a', 'b'] */
export function toTags(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return [...new Set(list.flatMap((t) => String(t).split(',')).map((t) => t.trim()).filter(Boolean))];
}

export function toStringList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

export function toBool(v: unknown): boolean | undefined {
  return parseBoolean(v);
}

export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function toVars(v: unknown): Vars {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Vars) } : {};
}

/** The Inheritable settings of a validated play/block/task mapping. */
export function inheritable(raw: RawMap): Inheritable {
  const out: { -readonly [K in keyof Inheritable]: Inheritable[K] } = {
    when: toConditions(raw.when),
    tags: toTags(raw.tags),
    vars: toVars(raw.vars),
  };
  const become = toBool(raw.become);
  if (become !== undefined) out.become = become;
  if (typeof raw.become_user === 'string') out.becomeUser = raw.become_user;
  if (raw.environment !== undefined && raw.environment !== null) out.environment = toVars(raw.environment);
  const checkMode = toBool(raw.check_mode);
  if (checkMode !== undefined) out.checkMode = checkMode;
  const diff = toBool(raw.diff);
  if (diff !== undefined) out.diff = diff;
  const noLog = toBool(raw.no_log);
  if (noLog !== undefined) out.noLog = noLog;
  const ignoreErrors = toBool(raw.ignore_errors);
  if (ignoreErrors !== undefined) out.ignoreErrors = ignoreErrors;
  if (typeof raw.delegate_to === 'string') out.delegateTo = raw.delegate_to;
  const runOnce = toBool(raw.run_once);
  if (runOnce !== undefined) out.runOnce = runOnce;
  const throttle = toNumber(raw.throttle);
  if (throttle !== undefined) out.throttle = throttle;
  const fatal = toBool(raw.any_errors_fatal);
  if (fatal !== undefined) out.any_errors_fatal = fatal;
  return out;
}

export function loopControl(raw: unknown): LoopControl | undefined {
  if (raw === undefined || raw === null || typeof raw !== 'object') return undefined;
  const r = raw as RawMap;
  const pause = toNumber(r.pause);
  return {
    loopVar: typeof r.loop_var === 'string' ? r.loop_var : 'item',
    ...(typeof r.index_var === 'string' ? { indexVar: r.index_var } : {}),
    ...(typeof r.label === 'string' ? { label: r.label } : {}),
    ...(pause !== undefined ? { pause } : {}),
  };
}

/** `loop`, or `with_items` / `with_list` (the same thing) */
export function loopOf(raw: RawMap): unknown {
  if (raw.loop !== undefined) return raw.loop;
  if (raw.with_items !== undefined) return raw.with_items;
  return raw.with_list;
}

export function isMapping(v: unknown): v is RawMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
