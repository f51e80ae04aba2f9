/**
 * Ansible's mode rule (basic.py set_mode_if_different): a number is the
 * numeric mode, a string is `int(mode, 8)` or else symbolic. The rows with a
 * number are what an unquoted YAML 1.1 mode loads as.
 */
import { describe, expect, it } from 'vitest';
import { octalMode, resolveMode } from '../../../src/modules/support/mode.js';

describe('resolveMode', () => {
  it.each([
    // numbers: the mode itself (unquoted 0644 in YAML 1.1 is 420)
    { spec: 420, want: '0644' },
    { spec: 384, want: '0600' },
    { spec: 493, want: '0755' },
    { spec: 288, want: '0440' },
    { spec: 0o1777, want: '1777' },
    { spec: 0, want: '0000' },
    { spec: 644, want: '1204', note: 'a decimal 644 is 0o1204, as in Ansible' },
    // strings: octal as Python's int(s, 8) reads it
    { spec: '0644', want: '0644' },
    { spec: '644', want: '0644' },
    { spec: '420', want: '0420', note: 'a string is octal, so "420" is not 420' },
    { spec: '0o644', want: '0644' },
    { spec: '0O644', want: '0644' },
    { spec: '0_644', want: '0644' },
    { spec: '+644', want: '0644' },
    { spec: '00644', want: '0644' },
    { spec: ' 0600 ', want: '0600' },
    { spec: '4755', want: '4755' },
    // otherwise symbolic, applied to the current mode (0644 here)
    { spec: 'u+x', want: '0744' },
    { spec: 'u=rw,g=r,o=', want: '0640' },
    { spec: 'a-w', want: '0444' },
  ])('$spec → $want', ({ spec, want }) => {
    expect(resolveMode(spec, '0644', false)).toBe(want);
  });

  it.each([
    { spec: 0o10000, message: 'not a valid file mode' },
    { spec: -1, message: 'not a valid file mode' },
    { spec: 1.5, message: 'not a valid file mode' },
    { spec: '017777', message: 'not a valid file mode' },
    { spec: '0o', message: 'not an octal or symbolic mode' },
    { spec: '6__44', message: 'not an octal or symbolic mode' },
    { spec: '0o_', message: 'not an octal or symbolic mode' },
    { spec: '8', message: 'not an octal or symbolic mode' },
    { spec: 'true', message: 'not an octal or symbolic mode' },
    { spec: '', message: 'not an octal or symbolic mode' },
  ])('$spec is refused', ({ spec, message }) => {
    expect(() => resolveMode(spec, '0644', false)).toThrow(message);
  });
});

describe('octalMode (chmod -R takes octal or symbolic)', () => {
  it.each([
    { spec: 420, want: '0644' },
    { spec: '0o750', want: '0750' },
    { spec: '750', want: '0750' },
    { spec: 'go+r', want: undefined },
  ])('$spec → $want', ({ spec, want }) => expect(octalMode(spec)).toBe(want));
});
