/**
 * swap: turns swap off now and keeps it off across reboots, as kubelet wants
 * it: `swapoff -a` when /proc/swaps lists an active area, every swap line of
 * /etc/fstab commented out, and every systemd swap unit masked (units loaded
 * now, swap unit files, and the units systemd's fstab generator makes from the
 * lines being commented out). Each part acts only when needed, so a second
 * run changes nothing.
 *
 * Order: swapoff, then masks, then fstab (written atomically, last), so a
 * failure leaves fstab as it was and a rerun finishes the job.
 */
import { defineModule, defineProbe, ModuleFailure, sh, Type, type Diff, type HostContext, type Plan } from '../engine/module.js';
import { stdoutOf } from './probes/failure.js';
import { maskedUnits, swapUnitNames } from './probes/systemd.js';
import { contentDiff } from './support/content-diff.js';
import { runOrFail } from './support/host-commands.js';
import { activeSwaps, commentSwapLines, swapUnitPath } from './support/swap-state.js';

const params = Type.Object(
  {
    state: Type.Literal('off', { default: 'off', description: 'Only `off` is supported: swap off now and at boot.' }),
    fstab: Type.String({ default: '/etc/fstab', pattern: '^/', description: 'The fstab whose swap lines are commented out.' }),
    mask_units: Type.Boolean({ default: true, description: 'Mask systemd swap units (ignored on hosts without systemd).' }),
  },
  { additionalProperties: false },
);

interface State {
  readonly swapoff: boolean;
  readonly mask: readonly string[];
  readonly fstab: string;
  readonly fstabContent: string | null;
}

const SWAP_STATE_SCRIPT = [
  'cat /proc/swaps',
  'echo --systemd--',
  'if [ -d /run/systemd/system ]; then echo yes',
  'echo --units--',
  'systemctl list-units --type swap --all --plain --no-legend --no-pager',
  'echo --files--',
  'systemctl list-unit-files --type swap --plain --no-legend --no-pager; fi',
  'true', // list-unit-files exits 1 when it lists nothing
].join('; ');

/** Active swap areas, whether systemd runs, and the swap units it knows (loaded and unit files). */
export const swapState = defineProbe({
  name: 'swap.state',
  command: () => SWAP_STATE_SCRIPT,
  parse: (r) => {
    const out = stdoutOf('reading the swap state', r);
    return {
      active: activeSwaps(out.slice(0, out.indexOf('--systemd--'))),
      systemd: section(out, 'systemd').startsWith('yes'),
      units: [...firstFields(section(out, 'units')), ...firstFields(section(out, 'files'))],
    };
  },
});

function section(out: string, name: string): string {
  const start = out.indexOf(`--${name}--\n`);
  if (start < 0) return '';
  const rest = out.slice(start + name.length + 5);
  const end = rest.indexOf('\n--');
  return end < 0 ? rest : rest.slice(0, end + 1);
}

const firstFields = (text: string): string[] => text.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter((u) => u.endsWith('.swap'));

/** The swap units to mask: known to systemd or generated from the fstab lines, and not masked yet. */
async function unitsToMask(ctx: HostContext, known: readonly string[], devices: readonly string[]): Promise<string[]> {
  const units = new Set(known);
  if (devices.length) for (const u of await ctx.probe(swapUnitNames, devices.map(swapUnitPath))) units.add(u);
  if (!units.size) return [];
  const names = [...units].sort();
  // a unit with no file shows Id= its name, so every name asked gets a block
  const masked = await ctx.probe(maskedUnits, names);
  return names.filter((u) => !masked.has(u));
}

export default defineModule({
  name: 'swap',
  description: 'Turns swap off now and across reboots: swapoff -a, fstab swap lines commented out, systemd swap units masked.',
  params,
  async check(ctx, p): Promise<Plan<State>> {
    const { active, systemd, units } = await ctx.probe(swapState);
    const buf = await ctx.readFile(p.fstab);
    const before = buf === null ? null : buf.toString('utf8');
    const edited = commentSwapLines(before ?? '');
    const fstabChanged = before !== null && edited.text !== before;
    const mask = systemd && p.mask_units ? await unitsToMask(ctx, units, edited.devices) : [];

    const changed = active.length > 0 || mask.length > 0 || fstabChanged;
    const diff: Diff[] = [];
    if (fstabChanged) diff.push(contentDiff(p.fstab, Buffer.from(before), Buffer.from(edited.text)));
    if (active.length || mask.length) {
      diff.push({
        label: 'swap',
        before: { ...(active.length ? { active } : {}), ...(mask.length ? { units: Object.fromEntries(mask.map((u) => [u, 'not masked'])) } : {}) },
        after: { ...(active.length ? { active: [] } : {}), ...(mask.length ? { units: Object.fromEntries(mask.map((u) => [u, 'masked'])) } : {}) },
      });
    }
    const what = [active.length ? `swapoff ${active.join(', ')}` : '', mask.length ? `mask ${mask.join(', ')}` : '', fstabChanged ? `comment out ${edited.devices.join(', ')} in ${p.fstab}` : ''];
    const result = { active_before: active, masked: mask, commented: fstabChanged ? edited.devices : [] };
    if (!changed) return { changed: false, summary: 'swap is off and stays off', result };
    return {
      changed: true,
      summary: what.filter(Boolean).join(', '),
      diff,
      result,
      state: { swapoff: active.length > 0, mask, fstab: p.fstab, fstabContent: fstabChanged ? edited.text : null },
      ...(fstabChanged ? { effects: [{ path: p.fstab, state: 'file' as const, content: edited.text }] } : {}),
    };
  },
  async apply(ctx, plan) {
    const s = plan.state;
    if (s.swapoff) await runOrFail(ctx, 'swapoff -a', 'swapoff -a');
    if (s.mask.length) {
      const r = await ctx.run(sh`systemctl mask -- ${s.mask}`);
      // "Unit … does not exist, proceeding anyway." is how systemd masks a unit it has not loaded: not the error
      const why = r.stderr.split('\n').filter((l) => l.trim() && !l.includes('proceeding anyway')).join('; ');
      if (r.exitCode !== 0) throw new ModuleFailure(`masking ${s.mask.join(', ')} failed: ${why || `exit ${r.exitCode}`}`, { rc: r.exitCode, units: s.mask });
    }
    if (s.fstabContent !== null) await ctx.writeFile(s.fstab, s.fstabContent);
    if (s.swapoff) {
      const left = activeSwaps((await runOrFail(ctx, 'cat /proc/swaps', 'reading /proc/swaps')).stdout);
      if (left.length) throw new ModuleFailure(`swap is still on after swapoff -a: ${left.join(', ')}`, { active: left });
    }
  },
});
