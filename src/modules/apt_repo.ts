/**
 * apt_repo: a signed apt repository the way current Debian and Ubuntu want
 * it: the key de-armored into /etc/apt/keyrings/<name>.gpg and a one-line
 * source entry with `signed-by` in /etc/apt/sources.list.d/<name>.list.
 * One name, one pair of files: a new URL (the next Kubernetes minor on
 * pkgs.k8s.io) rewrites the same entry instead of adding a second one.
 *
 * The key is compared by its bytes. A key_url is fetched on the host, read
 * only, during check (curl, into memory), so check knows exactly whether the
 * key changes and apply writes the bytes check saw. De-armoring happens here
 * (same bytes as `gpg --dearmor`), so hosts need no gnupg. The cache update
 * touches only this repository; if it fails (unreachable repository, bad
 * signature) both files are put back as they were and the task fails.
 */
import { createHash } from 'node:crypto';
import { defineModule, ModuleFailure, quote, Type, type ApplyContext, type CommandResult, type Diff, type HostContext, type Plan } from '../engine/module.js';
import { aptSourcesNaming, downloadedKey } from './probes/apt.js';
import { mutuallyExclusive, requiredOneOf } from './support/schema.js';
import { describeKeys, normaliseFingerprint, OpenPgpKeyError, publicKeys, toBinaryKeyring } from './support/openpgp-key.js';
import { KEYRING_DIR, repoPaths, sourceLine, updateOneSource, type RepoPaths } from './support/apt-source.js';
import { runOrFail } from './support/host-commands.js';

const params = Type.Object(
  {
    name: Type.String({
      pattern: '^[A-Za-z0-9_-][A-Za-z0-9_.-]*$',
      description: 'Names both files: `/etc/apt/keyrings/<name>.gpg` and `/etc/apt/sources.list.d/<name>.list` (letters, digits, `_`, `-`, `.`: what apt reads).',
    }),
    url: Type.Optional(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9+.-]*:[^\\s\\[\\]]+$', description: 'Repository URI, e.g. `https://pkgs.k8s.io/core:/stable:/v1.34/deb/` (required with state=present).' })),
    suite: Type.String({ minLength: 1, pattern: '^\\S+$', default: '/', description: 'Suite (distribution); a path ending in `/` is a flat repository, as on pkgs.k8s.io (`/`), and takes no components.' }),
    components: Type.Array(Type.String({ pattern: '^\\S+$' }), { default: [], description: 'Components (main, contrib, ...): required unless the suite is flat.' }),
    architectures: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9-]+$' }), { minItems: 1, description: 'Restricts the entry to these architectures (`arch=`).' })),
    key: Type.Optional(Type.String({ minLength: 1, description: 'The signing key as ASCII-armored text (`-----BEGIN PGP PUBLIC KEY BLOCK-----`).' })),
    key_url: Type.Optional(
      Type.String({ pattern: '^(https?|ftp|file)://\\S+$', description: 'Where to fetch the signing key (armored or binary), on the host with curl; check fetches it too (read-only) to compare.' }),
    ),
    fingerprint: Type.Optional(
      Type.String({ pattern: '^(0[xX])?[0-9A-Fa-f ]+$', description: 'Expected fingerprint of the (primary) key; another key is an error and nothing is written.' }),
    ),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'present: key and source entry in place; absent: both removed.' }),
    update_cache: Type.Boolean({ default: true, description: 'Run `apt-get update` for this repository when the key or the entry changed (only then).' }),
  },
  {
    additionalProperties: false,
    allOf: [
      mutuallyExclusive(['key', 'key_url']),
      { if: { properties: { state: { const: 'present' } } }, then: { allOf: [requiredOneOf('key', 'key_url'), { required: ['url'] }] } },
      { if: { properties: { suite: { pattern: '/$' } } }, then: { properties: { components: { maxItems: 0 } } }, else: { required: ['components'], properties: { components: { minItems: 1 } } } },
    ],
  },
);

type Params = typeof params.static;

interface RepoState {
  readonly paths: RepoPaths;
  /** what is there now (null: missing), to put back when the cache update fails */
  readonly before: { readonly key: Buffer | null; readonly source: string | null };
  /** what to write; null: remove */
  readonly key?: Buffer | null;
  readonly source?: string | null;
  readonly updateCache: boolean;
}

export default defineModule({
  name: 'apt_repo',
  description: 'Adds a signed apt repository: key in /etc/apt/keyrings, a signed-by source entry in sources.list.d; updates the cache when it changed.',
  params,
  async check(ctx, p): Promise<Plan<RepoState>> {
    const paths = repoPaths(p.name);
    const [keyNow, sourceBuf] = await Promise.all([ctx.readFile(paths.keyring), ctx.readFile(paths.source)]);
    const before = { key: keyNow, source: sourceBuf?.toString('utf8') ?? null };
    if (p.state === 'absent') return planAbsent(paths, before);

    const key = await wantedKey(ctx, p);
    const others = await otherEntries(ctx, p.url!, paths.source);
    if (others.length) ctx.warn(`${others.join(', ')} also name ${p.url}: apt refuses one repository with two different signed-by keys; remove those entries (or give this task their name)`);
    const source = `${sourceLine({ url: p.url!, suite: p.suite, components: p.components, ...(p.architectures ? { architectures: p.architectures } : {}), keyring: paths.keyring })}\n`;
    const keyChanges = keyNow === null || !keyNow.equals(key);
    const sourceChanges = before.source !== source;
    const changed = keyChanges || sourceChanges;
    const diff: Diff[] = [
      ...(keyChanges ? [{ label: paths.keyring, ...(keyNow ? { before: keySummary(keyNow) } : {}), after: keySummary(key) }] : []),
      ...(sourceChanges ? [{ label: paths.source, before: before.source ?? '', after: source }] : []),
    ];
    const updateCache = changed && p.update_cache;
    const what = [keyChanges ? `${keyNow ? 'replace' : 'add'} key ${describeKeys(publicKeys(key)).join(', ')}` : '', sourceChanges ? `${before.source ? 'rewrite' : 'add'} ${paths.source}` : '', updateCache ? 'update the apt cache for it' : ''];
    const result = { keyring: paths.keyring, source_file: paths.source, source_line: source.trimEnd(), fingerprints: publicKeys(key).map((k) => k.fingerprint), cache_updated: false, ...(others.length ? { other_entries: others } : {}) };
    if (!changed) return { changed: false, summary: `repository ${p.name} already as wanted`, result };
    return {
      changed: true,
      summary: what.filter(Boolean).join('; '),
      diff,
      result,
      state: { paths, before, ...(keyChanges ? { key } : {}), ...(sourceChanges ? { source } : {}), updateCache },
      effects: [
        ...(keyChanges ? [{ path: paths.keyring, state: 'file' as const, content: key, mode: '0644' }] : []),
        ...(sourceChanges ? [{ path: paths.source, state: 'file' as const, content: source, mode: '0644' }] : []),
      ],
    };
  },
  async apply(ctx, plan) {
    const s = plan.state;
    if (s.key) await mustRun(ctx, `install -d -m 0755 ${quote(KEYRING_DIR)}`, `create ${KEYRING_DIR}`);
    if (s.key) await ctx.writeFile(s.paths.keyring, s.key, { mode: '0644' });
    if (s.source) await ctx.writeFile(s.paths.source, s.source, { mode: '0644' });
    const removals = [...(s.key === null ? [s.paths.keyring] : []), ...(s.source === null ? [s.paths.source] : [])];
    if (removals.length) await mustRun(ctx, `rm -f -- ${removals.map(quote).join(' ')}`, 'remove the repository files');
    if (!s.updateCache) return;
    const r = await ctx.run(updateOneSource(s.paths.source));
    if (r.exitCode !== 0) {
      await restore(ctx, s);
      const why = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /^(E|W|Err):?/.test(l)).slice(-4).join('\n') || `exit ${r.exitCode}`;
      throw new ModuleFailure(`apt-get update of ${s.paths.source} failed, so the key and source entry were put back as they were:\n${why}`, { rc: r.exitCode });
    }
    return { result: { cache_updated: true } };
  },
});

function planAbsent(paths: RepoPaths, before: RepoState['before']): Plan<RepoState> {
  const diff: Diff[] = [
    ...(before.key ? [{ label: paths.keyring, before: keySummary(before.key) }] : []),
    ...(before.source !== null ? [{ label: paths.source, before: before.source, after: '' }] : []),
  ];
  const result = { keyring: paths.keyring, source_file: paths.source, cache_updated: false };
  if (diff.length === 0) return { changed: false, summary: 'repository already absent', result };
  return {
    changed: true,
    summary: `remove ${[before.key ? paths.keyring : '', before.source !== null ? paths.source : ''].filter(Boolean).join(' and ')}`,
    diff,
    result,
    state: { paths, before, ...(before.key ? { key: null } : {}), ...(before.source !== null ? { source: null } : {}), updateCache: false },
    effects: [
      ...(before.key ? [{ path: paths.keyring, state: 'absent' as const }] : []),
      ...(before.source !== null ? [{ path: paths.source, state: 'absent' as const }] : []),
    ],
  };
}

/** The binary keyring to install, from `key` or `key_url`, checked against `fingerprint`. */
async function wantedKey(ctx: HostContext, p: Params): Promise<Buffer> {
  const from = p.key !== undefined ? 'key' : `key_url ${p.key_url}`;
  const raw = p.key !== undefined ? Buffer.from(p.key) : await ctx.probe(downloadedKey, p.key_url!);
  let key: Buffer;
  try {
    key = toBinaryKeyring(raw);
  } catch (e) {
    if (e instanceof OpenPgpKeyError) throw new ModuleFailure(`${from}: ${e.message}`);
    throw e;
  }
  if (p.fingerprint !== undefined) {
    const want = normaliseFingerprint(p.fingerprint);
    const have = publicKeys(key).map((k) => k.fingerprint);
    if (!have.includes(want)) throw new ModuleFailure(`${from}: the key's fingerprint is ${have.join(', ')}, not the expected ${want}; nothing was written`);
  }
  return key;
}

/** Other source files naming the same repository URI (a hand-made entry, another name). */
async function otherEntries(ctx: HostContext, url: string, own: string): Promise<string[]> {
  return (await ctx.probe(aptSourcesNaming, url)).filter((f) => f !== own && /\.(list|sources)$|\/sources\.list$/.test(f));
}

/** How a keyring shows in a diff: its keys and a short hash, never its bytes. */
function keySummary(data: Buffer): Record<string, unknown> {
  const sha256 = createHash('sha256').update(data).digest('hex').slice(0, 16);
  try {
    return { keys: describeKeys(publicKeys(toBinaryKeyring(data))), sha256 };
  } catch {
    return { keys: [`(not an OpenPGP keyring, ${data.length} bytes)`], sha256 };
  }
}

/** Puts both files back as check found them. */
async function restore(ctx: ApplyContext, s: RepoState): Promise<void> {
  const gone: string[] = [];
  if (s.key !== undefined) {
    if (s.before.key) await ctx.writeFile(s.paths.keyring, s.before.key, { mode: '0644' });
    else gone.push(s.paths.keyring);
  }
  if (s.source !== undefined) {
    if (s.before.source !== null) await ctx.writeFile(s.paths.source, s.before.source, { mode: '0644' });
    else gone.push(s.paths.source);
  }
  if (gone.length) await ctx.run(`rm -f -- ${gone.map(quote).join(' ')}`);
}

/** runOrFail, in this module's words: "could not …" */
function mustRun(ctx: ApplyContext, command: string, what: string): Promise<CommandResult> {
  return runOrFail(ctx, command, what, { message: `could not ${what}` });
}
