/**
 * `-e` / `--extra-vars`, as ansible-playbook takes them:
 *   -e key=value            (several pairs separated by spaces; values are strings)
 *   -e @file.yml            (YAML or JSON file)
 *   -e '{"json": 1}'        (inline JSON or YAML mapping; YAML 1.1 as Ansible reads it: `{m: 0644}` is 420)
 * Later -e options win over earlier ones.
 */
import { OptionsError } from '../errors.js';
import { parseYaml } from '../yaml/load.js';
import type { Vars } from './precedence.js';

export function parseExtraVars(values: readonly string[], readYaml: (file: string) => unknown): Vars {
  const out: Vars = {};
  for (const raw of values) Object.assign(out, parseOne(raw.trim(), readYaml));
  return out;
}

function parseOne(raw: string, readYaml: (file: string) => unknown): Vars {
  if (raw === '') throw new OptionsError('-e was given an empty value');
  if (raw.startsWith('@')) {
    const file = raw.slice(1);
    if (!file) throw new OptionsError(`-e ${raw}: no file name after '@'`);
    const v = readYaml(file);
    if (v === null || v === undefined) return {};
    if (!isMapping(v)) throw new OptionsError(`-e ${raw}: the file must hold a mapping of variables`);
    return v;
  }
  if (raw.startsWith('{') || raw.startsWith('---')) {
    let v: unknown;
    try {
      v = parseYaml(raw, '-e');
    } catch (e) {
      throw new OptionsError(`-e: invalid JSON/YAML: ${(e as Error).message.split('\n')[0]?.replace(/:\s*$/, '')}`);
    }
    if (!isMapping(v)) throw new OptionsError('-e: inline data must be a mapping of variables');
    return v;
  }
  return parseKeyValues(raw);
}

/** `a=1 b="two words" c='x'` → {a: '1', b: 'two words', c: 'x'} */
export function parseKeyValues(raw: string): Vars {
  const out: Vars = {};
  const re = /\s*([^=\s]+)=("((?:[^"\\]|\\.)*)"|'([^']*)'|(\S*))/y;
  let pos = 0;
  while (pos < raw.length) {
    if (/^\s*$/.test(raw.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(raw);
    if (!m) {
      const bad = raw.slice(pos).trim().split(/\s+/)[0];
      throw new OptionsError(`-e: '${bad}' is not key=value, @file or a JSON/YAML mapping`);
    }
    const key = m[1] ?? '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new OptionsError(`-e: '${key}' is not a valid variable name`);
    out[key] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? m[5] ?? '');
    pos = re.lastIndex;
  }
  return out;
}

function isMapping(v: unknown): v is Vars {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
