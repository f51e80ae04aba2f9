/**
 * kernel_modules: kernel modules loaded now (modprobe) and at boot (one line
 * each in /etc/modules-load.d/<file>.conf, read by systemd-modules-load). A
 * module built into the kernel counts as loaded; a module that is neither
 * loaded, built in nor found by modprobe fails the task, naming it, before
 * anything is changed. Other lines of the file are left alone.
 *
 * state=absent removes the modules' lines from the file; it never unloads a
 * module (that could pull the network from under a running node).
 */
import { defineModule, ModuleFailure, sh, Type, type Diff, type Plan } from '../engine/module.js';
import { contentDiff } from './support/content-diff.js';
import { statDest } from './support/content-write.js';
import { runOrFail } from './support/host-commands.js';
import { canonical, kernelModuleStatus, type ModuleStatus } from './support/kernel-module-probe.js';
import { splitLines, stripEol, endsWithEol } from './support/text-lines.js';

const MODULE = '^[A-Za-z0-9_-]+$';

const params = Type.Object(
  {
    names: Type.Optional(Type.Array(Type.String({ pattern: MODULE }), { minItems: 1, description: 'The modules, e.g. `[overlay, br_netfilter]`.' })),
    name: Type.Optional(Type.String({ pattern: MODULE, description: 'One module (may be combined with names).' })),
    file: Type.String({
      default: 'k8s',
      pattern: '^[A-Za-z0-9_.@-]+$',
      description: 'The file under /etc/modules-load.d/ that lists them for boot: `k8s` means /etc/modules-load.d/k8s.conf (".conf" is added when missing).',
    }),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], {
      default: 'present',
      description: 'present: loaded now and listed in the file. absent: removed from the file (not unloaded).',
    }),
  },
  { additionalProperties: false, anyOf: [{ required: ['names'] }, { required: ['name'] }] },
);

interface State {
  readonly path: string;
  readonly content: string | null;
  readonly load: readonly string[];
}

/** The file's text with the modules present (appended when missing) or absent (their lines removed). */
export function editModulesFile(text: string, modules: readonly string[], present: boolean): string {
  const lineModule = (line: string): string | null => {
    const t = stripEol(line).trim();
    return !t || t.startsWith('#') || t.startsWith(';') ? null : canonical(t);
  };
  const wanted = new Set(modules.map(canonical));
  if (!present) return splitLines(text).filter((l) => !wanted.has(lineModule(l) ?? '')).join('');
  const lines = splitLines(text);
  const listed = new Set(lines.map(lineModule));
  const add = modules.filter((m) => !listed.has(canonical(m)));
  if (!add.length) return text;
  const last = lines[lines.length - 1];
  if (last !== undefined && !endsWithEol(last)) lines[lines.length - 1] = `${last}\n`;
  return [...lines, ...add.map((m) => `${m}\n`)].join('');
}

export default defineModule({
  name: 'kernel_modules',
  description: 'Loads kernel modules now (modprobe) and at boot (/etc/modules-load.d/); built-in modules count as loaded.',
  params,
  async check(ctx, p): Promise<Plan<State>> {
    const modules = [...new Set([...(p.name ? [p.name] : []), ...(p.names ?? [])])];
    const present = p.state === 'present';
    const path = `/etc/modules-load.d/${p.file.endsWith('.conf') ? p.file : `${p.file}.conf`}`;
    const { info } = await statDest(ctx, path, false);
    if (info && info.type !== 'file') throw new ModuleFailure(`${path} is not a regular file`, { path });
    const before = info ? ((await ctx.readFile(path))?.toString('utf8') ?? '') : null;
    const after = editModulesFile(before ?? '', modules, present);
    const fileChanged = before === null ? present : after !== before;

    const status = new Map<string, ModuleStatus>();
    if (present) {
      const found = await ctx.probe(kernelModuleStatus, modules);
      const missing: string[] = [];
      for (const m of modules) {
        const s = found.get(m);
        if (!s) continue; // the probe fails for a module it said nothing about
        if (s.status === 'missing') missing.push(`${m}${s.message ? ` (${s.message})` : ''}`);
        status.set(m, s.status);
      }
      if (missing.length) {
        throw new ModuleFailure(`kernel module${missing.length > 1 ? 's' : ''} not found: ${missing.join(', ')}: not loaded, not built into the kernel, and modprobe cannot find ${missing.length > 1 ? 'them' : 'it'}`, {
          missing: missing.map((m) => m.split(' ')[0]),
        });
      }
    }
    const load = modules.filter((m) => status.get(m) === 'loadable');
    const changed = fileChanged || load.length > 0;
    const diff: Diff[] = [];
    if (fileChanged) diff.push(contentDiff(path, before === null ? null : Buffer.from(before), Buffer.from(after)));
    if (load.length) {
      diff.push({ label: 'kernel modules', before: Object.fromEntries(load.map((m) => [m, 'not loaded'])), after: Object.fromEntries(load.map((m) => [m, 'loaded'])) });
    }
    const what = [load.length ? `modprobe ${load.join(', ')}` : '', fileChanged ? `${before === null ? 'create' : 'update'} ${path}` : ''].filter(Boolean);
    const result = { path, modules: Object.fromEntries(modules.map((m) => [m, status.get(m) ?? 'absent'])) };
    if (!changed) return { changed: false, summary: `${modules.join(', ')} already as wanted`, result };
    return {
      changed: true,
      summary: what.join(' and '),
      diff,
      result,
      state: { path, content: fileChanged ? after : null, load },
      ...(fileChanged ? { effects: [{ path, state: 'file' as const, content: after }] } : {}),
    };
  },
  async apply(ctx, plan) {
    const s = plan.state;
    for (const m of s.load) await runOrFail(ctx, sh`modprobe -- ${m}`, `modprobe ${m}`);
    if (s.content !== null) await ctx.writeFile(s.path, s.content);
  },
});
