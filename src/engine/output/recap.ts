/**
 * The PLAY RECAP lines: `HOST : ok=N changed=N unreachable=N failed=N skipped=N rescued=N ignored=N`,
 * host names padded to the longest so the colons line up, single spaces between fields.
 */
import type { HostStats } from '../run/events.js';
import type { Palette } from './palette.js';

export const RECAP_FIELDS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] as const satisfies readonly (keyof HostStats)[];

type RecapField = (typeof RECAP_FIELDS)[number];

const FIELD_COLOUR: Record<RecapField, Parameters<Palette['paint']>[0]> = {
  ok: 'green',
  changed: 'yellow',
  unreachable: 'red',
  failed: 'red',
  skipped: 'cyan',
  rescued: 'magenta',
  ignored: 'magenta',
};

/** The colour of a host's name: its worst outcome. */
function hostColour(s: HostStats): Parameters<Palette['paint']>[0] {
  if (s.failed > 0 || s.unreachable > 0) return 'red';
  if (s.changed > 0) return 'yellow';
  return 'green';
}

/** One line per host, in the order the stats record lists them. Counts are coloured only when non-zero. */
export function recapLines(stats: Readonly<Record<string, HostStats>>, palette: Palette): string[] {
  const hosts = Object.keys(stats);
  const width = Math.max(0, ...hosts.map((h) => h.length));
  return hosts.map((host) => {
    const s = stats[host] as HostStats;
    const name = palette.paint(hostColour(s), host) + ' '.repeat(width - host.length);
    const fields = RECAP_FIELDS.map((f) => {
      const text = `${f}=${s[f]}`;
      return s[f] > 0 ? palette.paint(FIELD_COLOUR[f], text) : text;
    });
    return `${name} : ${fields.join(' ')}`;
  });
}
