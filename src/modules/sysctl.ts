/**
 * sysctl: kernel parameters, persisted in a file under /etc/sysctl.d/ and set
 * live through /proc/sys. One key (`name`/`value`, as Ansible's
 * ansible.posix.sysctl) or many (`keys`). A run changes something only when
 * the file or a live value differs (values compare with whitespace collapsed).
 *
 * Live values are written before the file, and the file is written only when
 * every live write succeeded: a refused value leaves the file as it was.
 */
import { defineModule, defineProbe, ModuleFailure, sh, Type, type Diff, type Plan } from '../engine/module.js';
import { contentDiff } from './support/content-diff.js';
import { statDest } from './support/content-write.js';
import { runOrFail } from './support/host-commands.js';
import { editSysctlFile, normalizeValue, procPath, valueText, type KeyEdit } from './support/sysctl-file.js';

const KEY = '^-?[A-Za-z0-9_][A-Za-z0-9_.:/*-]*$';
const value = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

const params = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: KEY, description: 'One key, dotted (`net.ipv4.ip_forward`). Alias: key.' })),
    key: Type.Optional(Type.String({ pattern: KEY, description: 'Alias of name.' })),
    value: Type.Optional(
      Type.Union([Type.String(), Type.Number(), Type.Boolean()], {
        description: 'Value of `name` (required with state=present). Booleans become 1/0. Multi-value keys: separate the parts with spaces.',
      }),
    ),
    keys: Type.Optional(
      Type.Record(Type.String({ pattern: KEY }), value, {
        additionalProperties: false,
        minProperties: 1,
        description: 'Many keys at once, `key: value` (with state=absent the values are ignored). May be combined with name/value.',
      }),
    ),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], {
      default: 'present',
      description: 'present: the keys are in the file with these values (and live, with reload). absent: their lines are removed from the file; the live values stay until reboot.',
    }),
    sysctl_file: Type.String({
      default: '/etc/sysctl.d/99-tsplay.conf',
      pattern: '^/',
      description: 'The file the keys are kept in (read by systemd-sysctl at boot). Other lines in it are left alone.',
    }),
    reload: Type.Boolean({
      default: true,
      description: 'Also set the live values (through /proc/sys) and count a differing live value as a change. false: only the file is written (for keys of a module not loaded yet).',
    }),
    sysctl_set: Type.Optional(Type.Boolean({ description: 'Accepted for Ansible compatibility; with reload (the default) live values are always compared and set.' })),
  },
  {
    additionalProperties: false,
    allOf: [
      { anyOf: [{ required: ['name'] }, { required: ['key'] }, { required: ['keys'] }] },
      { not: { required: ['name', 'key'] } },
      { if: { anyOf: [{ required: ['name'] }, { required: ['key'] }], properties: { state: { const: 'present' } } }, then: { required: ['value'] } },
    ],
  },
);

type Params = typeof params.static;

interface LiveValue {
  readonly key: string;
  readonly path: string;
  /** null: no such path (an unknown key) */
  readonly current: string | null;
  readonly writable: boolean;
}

interface State {
  readonly file: string;
  /** new content, or null when the file stays as it is */
  readonly content: string | null;
  readonly live: readonly { key: string; path: string; value: string }[];
}

/** The keys asked for, in order: name first, then `keys`. */
function wantedKeys(p: Params): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  const one = p.name ?? p.key;
  if (one !== undefined) out.push({ key: one, value: p.value === undefined ? '' : valueText(p.value) });
  for (const [key, v] of Object.entries(p.keys ?? {})) out.push({ key, value: valueText(v) });
  return out;
}

const LIVE_SCRIPT = `for p do if [ -f "$p" ]; then if [ -w "$p" ]; then w=w; else w=r; fi; printf '%s:' "$w"; tr '\\n' ' ' < "$p"; echo; else echo -; fi; done`;
const livePaths = (keys: readonly string[]): string[] => keys.map((k) => procPath(k.replace(/^-/, '')));

/** One probe for all keys: whether each /proc/sys path exists, is writable, and its value. */
export const sysctlLive = defineProbe({
  name: 'sysctl.live',
  command: (keys: readonly string[]) => sh`sh -c ${LIVE_SCRIPT} sh ${livePaths(keys)}`,
  parse: (r, keys): LiveValue[] => {
    const lines = r.stdout.split('\n');
    if (r.exitCode !== 0 || lines.length < keys.length) throw new ModuleFailure(`reading /proc/sys failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`, {});
    const paths = livePaths(keys);
    return keys.map((key, i) => {
      const line = lines[i] ?? '-';
      const path = paths[i] ?? '';
      return line === '-' ? { key, path, current: null, writable: false } : { key, path, current: normalizeValue(line.slice(2)), writable: line.startsWith('w') };
    });
  },
});

export default defineModule({
  name: 'sysctl',
  description: 'Sets kernel parameters live and persists them in a file under /etc/sysctl.d/ (or removes them from it).',
  params,
  async check(ctx, p): Promise<Plan<State>> {
    const wanted = wantedKeys(p);
    const present = p.state === 'present';
    const { path: file, info } = await statDest(ctx, p.sysctl_file, true);
    if (info && info.type !== 'file') throw new ModuleFailure(`sysctl_file ${file} is not a regular file`, { sysctl_file: file });
    const before = info ? ((await ctx.readFile(file))?.toString('utf8') ?? '') : null;
    const edits: KeyEdit[] = wanted.map((w) => (present ? { key: w.key, value: w.value } : { key: w.key, absent: true }));
    const after = editSysctlFile(before ?? '', edits);
    const fileChanged = before === null ? present : after !== before;

    const live = present && p.reload && wanted.length ? await ctx.probe(sysctlLive, wanted.map((w) => w.key)) : [];
    const liveChanges: { key: string; path: string; value: string; from: string }[] = [];
    for (const [i, l] of live.entries()) {
      const want = wanted[i]!.value;
      if (l.current === null && !l.key.startsWith('-')) {
        const unknown = `sysctl key ${l.key} is unknown on this host: ${l.path} does not exist (is its kernel module loaded?)`;
        if (!ctx.earlierChangesPredicted) throw new ModuleFailure(unknown, { name: l.key });
        // Under --check an earlier task may load the key's module (kernel_modules: br_netfilter
        // for net.bridge.*) and was only predicted, so the key cannot exist yet: predict the write and say so.
        ctx.warn(`${unknown}; the real run fails unless an earlier task loads its module`);
        liveChanges.push({ key: l.key, path: l.path, value: want, from: '(missing)' });
        continue;
      }
      if (l.current === null || l.current === want) continue;
      if (!l.writable) throw new ModuleFailure(`sysctl key ${l.key} cannot be set: ${l.path} is read-only here (live value ${l.current}, wanted ${want})`, { name: l.key });
      liveChanges.push({ key: l.key, path: l.path, value: want, from: l.current });
    }

    const changed = fileChanged || liveChanges.length > 0;
    const diff: Diff[] = [];
    if (fileChanged) diff.push(contentDiff(file, before === null ? null : Buffer.from(before), Buffer.from(after)));
    if (liveChanges.length) {
      diff.push({
        label: 'sysctl (live)',
        before: Object.fromEntries(liveChanges.map((c) => [c.key, c.from])),
        after: Object.fromEntries(liveChanges.map((c) => [c.key, c.value])),
      });
    }
    const what = [fileChanged ? `${before === null ? 'create' : 'update'} ${file}` : '', liveChanges.length ? `set ${liveChanges.map((c) => `${c.key}=${c.value}`).join(', ')}` : ''].filter(Boolean);
    const result = { sysctl_file: file, keys: Object.fromEntries(wanted.map((w) => [w.key, present ? w.value : null])), live_changed: liveChanges.map((c) => c.key) };
    if (!changed) return { changed: false, summary: `${wanted.map((w) => w.key).join(', ')} already as wanted`, result };
    return {
      changed: true,
      summary: what.join(' and '),
      diff,
      result,
      state: { file, content: fileChanged ? after : null, live: liveChanges.map(({ key, path, value }) => ({ key, path, value })) },
      ...(fileChanged ? { effects: [{ path: file, state: 'file' as const, content: after }] } : {}),
    };
  },
  async apply(ctx, plan) {
    const s = plan.state;
    for (const l of s.live) {
      const r = await ctx.run(sh`printf '%s\n' ${l.value} > ${l.path}`);
      if (r.exitCode !== 0) throw new ModuleFailure(`sysctl key ${l.key}: the kernel refused ${l.value}: ${r.stderr.trim().replace(/^(\S*sh: \d+: )?(printf: )*/, '') || `exit ${r.exitCode}`}`, { name: l.key, rc: r.exitCode });
      const now = normalizeValue(await runOrFail(ctx, sh`cat ${l.path}`, `reading ${l.path}`).then((x) => x.stdout));
      if (now !== l.value) throw new ModuleFailure(`sysctl key ${l.key}: wrote ${l.value} but the kernel keeps ${now}`, { name: l.key });
    }
    if (s.content !== null) await ctx.writeFile(s.file, s.content);
  },
});
