/**
 * Plain scalars read the way Ansible reads them: PyYAML's YAML 1.1 resolver
 * (yaml/resolver.py) picks the type with the same regular expressions, and
 * PyYAML's SafeConstructor (yaml/constructor.py) turns the text into the value.
 * The yaml library's own 1.1 schema is close but not the same: it reads `08`
 * as 8, `1e3` as 1000, `-.5` as -0.5, `.` as NaN and `y`/`n` as booleans,
 * where PyYAML keeps all of them strings.
 *
 * | form | PyYAML | here |
 * |---|---|---|
 * | `0644`, `0_644` | octal int 420 | 420 |
 * | `0x1A`, `0b101` | int 26, 5 | same |
 * | `1:20`, `1:20.5` | base 60: 80, 80.5 | same |
 * | `1_000`, `+12` | 1000, 12 | same |
 * | `1.0e+3`, `.5`, `.inf`, `.nan` | float | same |
 * | `1e3`, `08`, `0o644`, `-.5` | strings | strings |
 * | `yes no on off true false` (3 casings) | bool | same; `y`/`n` stay strings |
 * | `~`, `null`, empty | None | null |
 * | `2001-12-14` | a date | the text itself: tsplay has no date type |
 *
 * Explicit tags (`!!int "0644"`, `!!float 1`, `!!bool YES`) go through the
 * same constructors whatever the text looks like, as in PyYAML; text a constructor cannot read is a
 * TAG_RESOLVE_FAILED error, which the loader reports with its position.
 */
import type { ScalarTag } from 'yaml';

const TAG = 'tag:yaml.org,2002:';

/** The schema tags these replace (the loader drops the yaml library's own). */
export const PYYAML_SCALAR_TAG_NAMES: ReadonlySet<string> = new Set(['null', 'bool', 'int', 'float', 'timestamp'].map((t) => TAG + t));

// resolver.py, verbatim but for the `x` flag
const NULL = /^(?:~|null|Null|NULL|)$/;
const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

const BOOL_VALUES: Readonly<Record<string, boolean>> = { yes: true, no: false, true: true, false: false, on: true, off: false };

const DIGITS: Readonly<Record<number, RegExp>> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ };

/** Python's int(text, radix) for plain digits; undefined when Python would raise. */
function digits(text: string, radix: number): number | undefined {
  return DIGITS[radix]!.test(text) ? parseInt(text, radix) : undefined;
}

/** Python's float(text) for what YAML can hand it; undefined when Python would raise. */
function pyFloat(text: string): number | undefined {
  if (/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (text === 'inf' || text === 'infinity') return Infinity;
  if (text === 'nan') return NaN;
  return undefined;
}

/** `a:b:c` in base 60, each part read by `part` */
function sexagesimal(text: string, part: (s: string) => number | undefined): number | undefined {
  let value = 0;
  for (const p of text.split(':')) {
    const n = part(p);
    if (n === undefined) return undefined;
    value = value * 60 + n;
  }
  return value;
}

/** The sign, and the rest without it and without underscores (both constructors start so). */
function signed(text: string): { sign: 1 | -1; rest: string } {
  const v = text.replace(/_/g, '');
  return { sign: v.startsWith('-') ? -1 : 1, rest: /^[-+]/.test(v) ? v.slice(1) : v };
}

/** SafeConstructor.construct_yaml_int */
export function constructInt(text: string): number | undefined {
  const { sign, rest: v } = signed(text);
  let n: number | undefined;
  if (v === '0') return 0;
  if (v.startsWith('0b')) n = digits(v.slice(2), 2);
  else if (v.startsWith('0x')) n = digits(v.slice(2), 16);
  else if (v.startsWith('0')) n = digits(v.replace(/^0[oO]/, ''), 8); // Python's int('0o17', 8) takes the prefix
  else if (v.includes(':')) n = sexagesimal(v, (p) => digits(p, 10));
  else n = digits(v, 10);
  return n === undefined ? undefined : sign * n || 0; // `-00` is 0 in Python, not -0
}

/** SafeConstructor.construct_yaml_float */
export function constructFloat(text: string): number | undefined {
  const { sign, rest } = signed(text);
  const v = rest.toLowerCase();
  if (v === '.inf') return sign * Infinity;
  if (v === '.nan') return NaN;
  const n = v.includes(':') ? sexagesimal(v, pyFloat) : pyFloat(v);
  return n === undefined ? undefined : sign * n;
}

function numberTag(name: 'int' | 'float', test: RegExp, construct: (s: string) => number | undefined): ScalarTag {
  return {
    tag: TAG + name,
    default: true,
    test,
    resolve: (s, onError) => {
      const n = construct(s);
      if (n === undefined) onError(`invalid literal for ${name}: '${s}'`);
      return n ?? s;
    },
  };
}

const IMPLICIT: readonly ScalarTag[] = [
  {
    tag: TAG + 'null',
    default: true,
    test: NULL,
    resolve: () => null,
  },
  {
    tag: TAG + 'bool',
    identify: (v: unknown) => typeof v === 'boolean',
    default: true,
    test: BOOL,
    resolve: (s, onError) => {
      const b = BOOL_VALUES[s.toLowerCase()];
      if (b === undefined) onError(`invalid literal for bool: '${s}'`);
      return b ?? s;
    },
  },
  numberTag('int', INT, constructInt),
  numberTag('float', FLOAT, constructFloat),
  {
    tag: TAG + 'timestamp',
    default: true,
    test: TIMESTAMP,
    resolve: (s) => s,
  },
];

/** The same without `test`: the yaml library takes an explicit tag (`!!int "0644"`) only from a tag without one. */
const EXPLICIT: readonly ScalarTag[] = IMPLICIT.map(({ test: _test, ...tag }) => ({ ...tag, default: false }));

export const PYYAML_SCALAR_TAGS: readonly ScalarTag[] = [...IMPLICIT, ...EXPLICIT];
