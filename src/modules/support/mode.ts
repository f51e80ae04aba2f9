/**
 * File modes as Ansible accepts them (module_utils/basic.py,
 * set_mode_if_different): a number is the numeric mode itself (YAML 1.1 reads
 * an unquoted `0644` as 420, which is 0644); a string is read as Python's
 * `int(mode, 8)` reads it ("0644", "644", "0o644", "0_644"), and otherwise as
 * a symbolic mode ("u=rw,g=r,o=", "u+x", "a-w") applied to the current mode.
 * So `420` is 0644 but `"420"` is 0420, exactly as in Ansible.
 */
import { ModuleFailure } from '../../engine/module.js';

export type ModeSpec = string | number;

const WHO_BITS = { u: 0o4700, g: 0o2070, o: 0o1007 } as const;

/** Python's int(s, 8): optional `+`, optional `0o` prefix, digits with single underscores between them */
const OCTAL_STRING = /^\+?(?:0[oO]_?)?[0-7](?:_?[0-7])*$/;

/** The mode a path gets: 4-digit octal string. `current` is the path's mode now (or the default for a new one). */
export function resolveMode(spec: ModeSpec, current: string, isDir: boolean): string {
  return octalMode(spec) ?? toOctal(applySymbolic(spec.toString().trim(), parseInt(current, 8), isDir));
}

/** A numeric or octal-string mode as a 4-digit octal string; undefined for a symbolic one. */
export function octalMode(spec: ModeSpec): string | undefined {
  const s = typeof spec === 'string' ? spec.trim() : '';
  const mode = typeof spec === 'number' ? spec : OCTAL_STRING.test(s) ? parseInt(s.replace(/^\+/, '').replace(/^0[oO]/, '').replace(/_/g, ''), 8) : undefined;
  if (mode === undefined) return undefined;
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new ModuleFailure(`mode ${JSON.stringify(spec)} is not a valid file mode (0000 to 07777)`);
  return toOctal(mode);
}

export function toOctal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function applySymbolic(spec: string, start: number, isDir: boolean): number {
  let mode = start;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*|[ugo])$/.exec(clause);
    if (!m) throw new ModuleFailure(`mode '${spec}' is not an octal or symbolic mode`);
    const [, whoRaw = '', op, permsRaw = ''] = m;
    const who = (whoRaw === '' || whoRaw.includes('a') ? 'ugo' : whoRaw).split('') as (keyof typeof WHO_BITS)[];
    const mask = who.reduce((acc, w) => acc | WHO_BITS[w], 0);
    const bits = permBits(permsRaw, mode, isDir) & mask;
    if (op === '+') mode |= bits;
    else if (op === '-') mode &= ~bits;
    else mode = (mode & ~mask) | bits;
  }
  return mode;
}

/** The bits named by `rwxXst` (or a copy of u/g/o), spread over u, g and o; the caller masks by who. */
function permBits(perms: string, mode: number, isDir: boolean): number {
  if (perms === 'u' || perms === 'g' || perms === 'o') {
    const shift = perms === 'u' ? 6 : perms === 'g' ? 3 : 0;
    const rwx = (mode >> shift) & 7;
    return (rwx << 6) | (rwx << 3) | rwx;
  }
  let bits = 0;
  for (const p of perms) {
    if (p === 'r') bits |= 0o444;
    else if (p === 'w') bits |= 0o222;
    else if (p === 'x') bits |= 0o111;
    else if (p === 'X' && (isDir || (mode & 0o111) !== 0)) bits |= 0o111;
    else if (p === 's') bits |= 0o6000;
    else if (p === 't') bits |= 0o1000;
  }
  return bits;
}
