/**
 * Shared by `command` and `shell`: splitting a command line into words the way
 * Python's shlex does (what Ansible's command module uses), building the
 * quoted shell text for an argv, and the result Ansible registers for a run
 * (rc, stdout, stderr, their *_lines, start, end, delta).
 */
import type { CommandResult } from '../../engine/module.js';
import { quote } from '../../engine/module.js';

/** A command line that cannot be split into words (an unterminated quote). */
export class CommandLineError extends Error {
  readonly code = 'E_COMMAND_LINE';
}

/**
 * Splits a command line into words, POSIX shell rules for quotes and
 * backslashes, nothing else: no variables, globs, pipes or redirections
 * (they stay literal words, as with Ansible's `command`).
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new CommandLineError(`unterminated single quote in: ${line}`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const d = line[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) {
          word += line[i + 1]!;
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      if (!closed) throw new CommandLineError(`unterminated double quote in: ${line}`);
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < line.length && line[i + 1] !== '\n') word += line[i + 1]!;
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Shell text that runs exactly this argv: every word quoted, `exec` so the rc is the program's. */
export function argvToShell(argv: readonly string[]): string {
  return `exec ${argv.map((w) => quote(w)).join(' ')}`;
}

/** Prefixes a `cd` into chdir (works on every transport, unlike a cwd option). */
export function inDirectory(command: string, chdir: string | undefined): string {
  return chdir === undefined ? command : `cd ${quote(chdir)} && ${command}`;
}

/** A path relative to chdir, as Ansible resolves `creates`/`removes`. */
export function underDirectory(path: string, chdir: string | undefined): string {
  if (path.startsWith('/') || chdir === undefined) return path;
  return `${chdir.replace(/\/+$/, '')}/${path}`;
}

/**
 * Does anything match this path (a glob pattern allowed, as in Ansible)?
 * The pattern travels as a quoted argument; the inner script expands it
 * with IFS empty, so globs apply but spaces do not split it.
 */
export function pathMatchesCommand(pattern: string): string {
  const script = 'IFS=; for f in $1; do if [ -e "$f" ] || [ -L "$f" ]; then exit 0; fi; done; exit 1';
  return `sh -c ${quote(script)} sh ${quote(pattern)}`;
}

/** Ansible's timestamp format: `2024-03-01 12:00:00.123456` (local time). */
export function ansibleTimestamp(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)}`;
}

/** Ansible's duration format: `0:00:01.500000`. */
export function ansibleDelta(ms: number): string {
  const total = Math.max(0, ms);
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const us = Math.round((total % 1000) * 1000);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(us).padStart(6, '0')}`;
}

/** Output without its trailing newlines (Ansible's strip_empty_ends), and its lines. */
function stripEnds(text: string): string {
  return text.replace(/\n+$/, '');
}

function lines(text: string): string[] {
  return text === '' ? [] : text.split(/\r?\n/);
}

export interface CommandRunRecord {
  readonly cmd: string | readonly string[];
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly outcome: CommandResult;
}

/** The registered result of one command run. */
export function commandResult(r: CommandRunRecord): Record<string, unknown> {
  const stdout = stripEnds(r.outcome.stdout);
  const stderr = stripEnds(r.outcome.stderr);
  return {
    cmd: r.cmd,
    rc: r.outcome.exitCode,
    stdout,
    stderr,
    stdout_lines: lines(stdout),
    stderr_lines: lines(stderr),
    start: ansibleTimestamp(r.startedAt),
    end: ansibleTimestamp(r.endedAt),
    delta: ansibleDelta(r.endedAt.getTime() - r.startedAt.getTime()),
    msg: r.outcome.exitCode === 0 ? '' : 'non-zero return code',
  };
}

/** Words of a line as written (quotes kept), each with its raw text: what Ansible's split_args yields. */
function rawWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      cur += c;
      if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i]!;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
      cur += c;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += c + line[++i]!;
    } else if (/\s/.test(c)) {
      if (cur) words.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) words.push(cur);
  return words;
}

/**
 * Ansible's inline arguments in a free-form command line:
 * `touch /x creates=/x chdir=/tmp` → rest `touch /x`, params {creates, chdir}.
 * Only the given keys are taken (the module's own parameters); every other
 * word stays in the command as written. Lines holding newlines are left whole.
 */
export function extractInlineParams(line: string, keys: readonly string[]): { rest: string; params: Record<string, string> } {
  if (line.includes('\n')) return { rest: line, params: {} };
  const params: Record<string, string> = {};
  const kept: string[] = [];
  let found = false;
  for (const w of rawWords(line)) {
    const m = /^([a-z_]+)=(.*)$/s.exec(w);
    if (m && keys.includes(m[1]!)) {
      params[m[1]!] = splitCommandLine(m[2]!).join(' ');
      found = true;
    } else kept.push(w);
  }
  return found ? { rest: kept.join(' '), params } : { rest: line, params: {} };
}

type InlineKey = 'creates' | 'removes' | 'chdir' | 'executable' | 'stdin';

/**
 * The module's parameters with inline `key=value` words of its free-form
 * `cmd` moved out of the command; a parameter given explicitly wins.
 */
export function withInlineParams<P extends { cmd?: string | undefined } & Partial<Record<InlineKey, string | undefined>>>(p: P, keys: readonly InlineKey[]): P {
  if (p.cmd === undefined) return p;
  const { rest, params } = extractInlineParams(p.cmd, keys);
  const out: P = { ...p, cmd: rest };
  for (const k of keys) if (out[k] === undefined && params[k] !== undefined) (out as Partial<Record<InlineKey, string>>)[k] = params[k];
  return out;
}
