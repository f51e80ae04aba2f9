/**
 * A small reader for OpenSSH client configuration (`~/.ssh/config`), enough
 * for what tsplay honours: `Host` blocks (patterns with `*`, `?` and `!`
 * negation), `HostName`, `User`, `Port`, `IdentityFile`, `ProxyJump`,
 * `UserKnownHostsFile` and `StrictHostKeyChecking`.
 *
 * As in OpenSSH, the first value obtained for a keyword wins (so specific
 * blocks go first and `Host *` last), except `IdentityFile`, whose values
 * accumulate. `Match` blocks are not evaluated: their options are skipped.
 * `Include` is not followed. Keywords are case-insensitive; `Key Value` and
 * `Key=Value` are both accepted; values may be double-quoted.
 */

/** One `Host` block (or the options before the first one: `patterns` null). */
export interface SshConfigBlock {
  readonly patterns: readonly string[] | null;
  /** false for `Match` blocks, which tsplay does not evaluate */
  readonly evaluated: boolean;
  readonly options: readonly (readonly [keyword: string, args: readonly string[]])[];
}

/** What the configuration says about one host (values not yet %-expanded). */
export interface SshHostConfig {
  readonly hostName?: string;
  readonly user?: string;
  readonly port?: number;
  readonly identityFiles: readonly string[];
  readonly proxyJump?: string;
  readonly userKnownHostsFile?: string;
  readonly strictHostKeyChecking?: string;
}

export function parseSshConfig(text: string): SshConfigBlock[] {
  const blocks: { patterns: string[] | null; evaluated: boolean; options: [string, string[]][] }[] = [
    { patterns: null, evaluated: true, options: [] },
  ];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z][A-Za-z0-9]*)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const keyword = m[1]!.toLowerCase();
    const args = splitArgs(m[2]!);
    if (keyword === 'host') blocks.push({ patterns: args, evaluated: true, options: [] });
    else if (keyword === 'match') blocks.push({ patterns: [], evaluated: false, options: [] });
    else blocks[blocks.length - 1]!.options.push([keyword, args]);
  }
  return blocks;
}

/** The options that apply to `host` (the name as given, before HostName). */
export function lookupSshConfig(blocks: readonly SshConfigBlock[], host: string): SshHostConfig {
  const first = new Map<string, string>();
  const identityFiles: string[] = [];
  for (const b of blocks) {
    if (!b.evaluated) continue;
    if (b.patterns !== null && !hostMatchesPatterns(host, b.patterns)) continue;
    for (const [keyword, args] of b.options) {
      const value = args[0];
      if (value === undefined) continue;
      if (keyword === 'identityfile') identityFiles.push(value);
      else if (!first.has(keyword)) first.set(keyword, keyword === 'proxyjump' ? args.join(',') : value);
    }
  }
  const port = first.get('port');
  const portNumber = port !== undefined && /^\d+$/.test(port) ? Number(port) : undefined;
  const pick = (k: string): string | undefined => first.get(k);
  return {
    identityFiles,
    ...optional('hostName', pick('hostname')),
    ...optional('user', pick('user')),
    ...(portNumber !== undefined ? { port: portNumber } : {}),
    ...optional('proxyJump', pick('proxyjump')),
    ...optional('userKnownHostsFile', pick('userknownhostsfile')),
    ...optional('strictHostKeyChecking', pick('stricthostkeychecking')?.toLowerCase()),
  };
}

/**
 * OpenSSH's pattern-list rule: a host matches when at least one plain pattern
 * matches and no negated (`!`) pattern does. Comparison ignores case.
 */
export function hostMatchesPatterns(host: string, patterns: readonly string[]): boolean {
  const name = host.toLowerCase();
  let matched = false;
  for (const p of patterns.flatMap((x) => x.split(','))) {
    if (p === '') continue;
    const negated = p.startsWith('!');
    if (wildcardMatch(name, (negated ? p.slice(1) : p).toLowerCase())) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** `*` is any run of characters, `?` exactly one; everything else is literal. */
export function wildcardMatch(text: string, pattern: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(text);
}

/** Values in the tokens OpenSSH expands in IdentityFile, HostName and similar. */
export interface SshTokens {
  /** the remote host name (after HostName for most keywords) */
  readonly host: string;
  readonly port: number;
  readonly remoteUser: string;
  readonly localUser: string;
  readonly home: string;
}

/** Expands a leading `~/` and the `%h %p %r %u %d %%` tokens. */
export function expandTokens(value: string, t: SshTokens): string {
  const tilde = value === '~' ? t.home : value.startsWith('~/') ? `${t.home}${value.slice(1)}` : value;
  return tilde.replace(/%([%hpdru])/g, (_, c: string) => {
    switch (c) {
      case 'h':
        return t.host;
      case 'p':
        return String(t.port);
      case 'r':
        return t.remoteUser;
      case 'u':
        return t.localUser;
      case 'd':
        return t.home;
      default:
        return '%';
    }
  });
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const word = m[1] ?? m[2] ?? '';
    if (m[2]?.startsWith('#')) break;
    out.push(word);
  }
  return out;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
