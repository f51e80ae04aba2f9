/**
 * File modes as Ansible accepts them: an octal string ("0644", "644"), a
 * number (the numeric mode itself, as YAML 1.1 reads `0644`: 420), or a
 * symbolic mode ("u=rw,g=r,o=", "u+x", "a-w"), applied to the current mode.
 */
import { ModuleFailure } from '../../engine/module.js';

export type ModeSpec = string | number;

const WHO_BITS = { u: 0o4700, g: 0o2070, o: 0o1007 } as const;

/** The mode a path gets: 4-digit octal string. `current` is the path's mode now (or the default for a new one). */
export function resolveMode(spec: ModeSpec, current: string, isDir: boolean): string {
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 0 || spec > 0o7777) throw new ModuleFailure(`mode ${spec} is not a valid file mode`);
    return toOctal(spec);
  }
  const s = spec.trim();
  if (/^[0-7]{1,4}$/.test(s)) return toOctal(parseInt(s, 8));
  return toOctal(applySymbolic(s, parseInt(current, 8), isDir));
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
