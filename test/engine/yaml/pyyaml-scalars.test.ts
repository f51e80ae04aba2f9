/**
 * Plain scalars are typed as Ansible types them. Each row is `a: <text>`,
 * what PyYAML makes of it (type and value, as Python prints them) and so what
 * tsplay must load. The table is the expectation for tsplay always; where a
 * Python with PyYAML is installed, the same table is checked against
 * `yaml.safe_load` and, with ansible-core, against Ansible's own loader, so the
 * rows cannot drift from what Ansible does.
 *
 * tsplay differs on purpose in two rows, marked `tsplay`: timestamps stay
 * their text (tsplay has no date type), and a lone `=` (PyYAML's `value` tag,
 * which it cannot construct) is a string. It also cannot tell 1.0 from 1:
 * both are JavaScript numbers.
 */
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../src/engine/yaml/load.js';
import { PYTHON, pyyamlRead, type PyResults, type PyValue } from './pyyaml-oracle.js';
import { stringContaining, thrownBy } from '../../helpers/matchers.js';

interface Row {
  readonly text: string;
  readonly py: PyValue;
  /** what tsplay loads when it differs from PyYAML on purpose */
  readonly tsplay?: { readonly value: unknown; readonly why: string };
}

const int = (n: number): PyValue => ({ type: 'int', repr: String(n) });
const float = (repr: string): PyValue => ({ type: 'float', repr });
const str = (s: string): PyValue => ({ type: 'str', repr: s });
const bool = (b: boolean): PyValue => ({ type: 'bool', repr: b ? 'True' : 'False' });
const none: PyValue = { type: 'NoneType', repr: 'None' };
const asText = (text: string) => ({ value: text, why: 'tsplay has no date type: a timestamp stays its text' });

const rows: readonly Row[] = [
  // octal: a leading 0 (YAML 1.2 reads these as decimal, or as strings)
  { text: '0644', py: int(420) },
  { text: '0600', py: int(384) },
  { text: '0755', py: int(493) },
  { text: '0440', py: int(288) },
  { text: '0777', py: int(511) },
  { text: '01777', py: int(1023) },
  { text: '0_644', py: int(420) },
  { text: '+0644', py: int(420) },
  { text: '-0644', py: int(-420) },
  { text: '010', py: int(8) },
  { text: '00', py: int(0) },
  { text: '08', py: str('08') },
  { text: '09', py: str('09') },
  { text: '0o644', py: str('0o644') },
  { text: '0O644', py: str('0O644') },
  // hex and binary
  { text: '0x1A', py: int(26) },
  { text: '0xff', py: int(255) },
  { text: '0x_1A', py: int(26) },
  { text: '-0x1A', py: int(-26) },
  { text: '0XFF', py: str('0XFF') },
  { text: '0b101', py: int(5) },
  { text: '0b1_0', py: int(2) },
  { text: '+0b11', py: int(3) },
  { text: '0B11', py: str('0B11') },
  { text: '0b', py: str('0b') },
  // sexagesimal (base 60)
  { text: '1:20', py: int(80) },
  { text: '22:22', py: int(1342) },
  { text: '1:00:00', py: int(3600) },
  { text: '-1:20', py: int(-80) },
  { text: '1:2', py: int(62) },
  { text: '190:20:30', py: int(685230) },
  { text: '1:60', py: str('1:60') },
  { text: '0:20', py: str('0:20') },
  { text: '1:20.5', py: float('80.5') },
  { text: '0:20.5', py: float('20.5') },
  { text: '190:20:30.15', py: float('685230.15') },
  // decimal
  { text: '0', py: int(0) },
  { text: '-0', py: int(0) },
  { text: '+12', py: int(12) },
  { text: '12345', py: int(12345) },
  { text: '1_000', py: int(1000) },
  { text: '1__0', py: int(10) },
  { text: '_1', py: str('_1') },
  // floats: a dot is required, and an exponent needs its sign
  { text: '1.0', py: float('1.0') },
  { text: '1.', py: float('1.0') },
  { text: '0.', py: float('0.0') },
  { text: '+1.5', py: float('1.5') },
  { text: '1.34', py: float('1.34') },
  { text: '1.34.1', py: str('1.34.1') },
  { text: '1_000.5', py: float('1000.5') },
  { text: '0.1_', py: float('0.1') },
  { text: '.5', py: float('0.5') },
  { text: '1.0e+3', py: float('1000.0') },
  { text: '1.0E+3', py: float('1000.0') },
  { text: '6.8523015e+5', py: float('685230.15') },
  { text: '685.230_15e+03', py: float('685230.15') },
  { text: '1e3', py: str('1e3') },
  { text: '1E3', py: str('1E3') },
  { text: '1.0e3', py: str('1.0e3') },
  { text: '0.5e3', py: str('0.5e3') },
  { text: '.5e3', py: str('.5e3') },
  { text: '-.5', py: str('-.5') },
  { text: '+.5', py: str('+.5') },
  { text: '.', py: str('.') },
  { text: '.inf', py: float('inf') },
  { text: '.Inf', py: float('inf') },
  { text: '+.INF', py: float('inf') },
  { text: '-.inf', py: float('-inf') },
  { text: '.nan', py: float('nan') },
  { text: '.NaN', py: float('nan') },
  { text: '.NAN', py: float('nan') },
  { text: '-.nan', py: str('-.nan') },
  // booleans: three casings of six words; y and n are strings
  ...['yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE'].map((text) => ({ text, py: bool(true) })),
  ...['no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE'].map((text) => ({ text, py: bool(false) })),
  ...['yEs', 'tRUE', 'y', 'Y', 'n', 'N'].map((text) => ({ text, py: str(text) })),
  // null
  ...['~', 'null', 'Null', 'NULL', ''].map((text) => ({ text, py: none })),
  { text: 'nULL', py: str('nULL') },
  { text: 'none', py: str('none') },
  // timestamps
  { text: '2001-12-14', py: { type: 'date', repr: '2001-12-14' }, tsplay: asText('2001-12-14') },
  { text: '2001-12-14 21:59:43.10 -5', py: { type: 'datetime', repr: '2001-12-14T21:59:43.100000-05:00' }, tsplay: asText('2001-12-14 21:59:43.10 -5') },
  { text: '2001-12-14T21:59:43Z', py: { type: 'datetime', repr: '2001-12-14T21:59:43+00:00' }, tsplay: asText('2001-12-14T21:59:43Z') },
  // quoting and explicit tags
  { text: "'0644'", py: str('0644') },
  { text: '"yes"', py: str('yes') },
  { text: '!!str 0644', py: str('0644') },
  { text: '!!int "0644"', py: int(420) },
  { text: '!!int 1:20', py: int(80) },
  { text: '!!float 1', py: float('1.0') },
  { text: '!!bool YeS', py: bool(true) },
  { text: '=', py: { type: 'error', repr: 'ConstructorError' }, tsplay: { value: '=', why: "PyYAML's value tag has no constructor; a string here" } },
];

/** The JavaScript value of what Python got. */
function jsValue(py: PyValue): unknown {
  switch (py.type) {
    case 'int':
    case 'float':
      return py.repr === 'inf' ? Infinity : py.repr === '-inf' ? -Infinity : py.repr === 'nan' ? NaN : Number(py.repr);
    case 'bool':
      return py.repr === 'True';
    case 'NoneType':
      return null;
    default:
      return py.repr;
  }
}

const load = (text: string): unknown => (parseYaml(`a: ${text}`, 'scalars.yml') as { a: unknown }).a;

describe('YAML scalars, as PyYAML (and so Ansible) reads them', () => {
  it.each(rows)('a: $text', ({ text, py, tsplay }) => {
    const got = load(text);
    expect(got).toEqual(tsplay ? tsplay.value : jsValue(py));
    if (typeof got === 'number') expect(Object.is(got, -0), 'never -0').toBe(false);
  });

  it.each([
    { text: '!!int abc', message: "invalid literal for int: 'abc'" },
    { text: '!!float 1.2.3', message: "invalid literal for float: '1.2.3'" },
    { text: '!!bool y', message: "invalid literal for bool: 'y'" },
  ])('$text is refused with its position, as PyYAML refuses it', ({ text, message }) => {
    expect(thrownBy(() => load(text))).toMatchObject({ code: 'E_YAML_SYNTAX', message: stringContaining(message) });
  });
});

/** PyYAML's answers for every row, read once (undefined without a python3 that has PyYAML) */
const py: PyResults | undefined = pyyamlRead(rows.map((r) => r.text));
const indexed = rows.map((r, i) => ({ ...r, i }));

describe.skipIf(!py)(`the table is what PyYAML says (${PYTHON ?? 'no python3 with PyYAML'})`, () => {
  it.each(indexed)('yaml.safe_load: a: $text', ({ py: expected, i }) => {
    expect(py!.safeLoad[i]).toEqual(expected);
  });

  // ansible-core's loader: only where that python can import ansible
  it.skipIf(!py?.ansibleLoader).each(indexed)("Ansible's AnsibleLoader: a: $text", ({ py: expected, i }) => {
    expect(py!.ansibleLoader![i]).toEqual(expected);
  });
});
