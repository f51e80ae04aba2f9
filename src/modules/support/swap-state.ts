/** The pure half of the swap module: reading /proc/swaps and commenting out fstab swap lines. */
import { splitLines, stripEol } from './text-lines.js';

/** Active swap areas from /proc/swaps (the header line dropped). */
export function activeSwaps(procSwaps: string): string[] {
  return procSwaps
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((f) => f !== '')
    .map((f) => f.replace(/\\040/g, ' '));
}

/** The device field of an fstab line whose type is swap, or null. */
export function swapLineDevice(line: string): string | null {
  const text = stripEol(line).trim();
  if (!text || text.startsWith('#')) return null;
  const fields = text.split(/\s+/);
  return fields[2] === 'swap' && fields[0] ? fields[0] : null;
}

/** fstab with every active swap line commented out ("#" in front, the rest kept), and the devices of those lines. */
export function commentSwapLines(fstab: string): { text: string; devices: string[] } {
  const devices: string[] = [];
  const lines = splitLines(fstab).map((line) => {
    const dev = swapLineDevice(line);
    if (dev === null) return line;
    devices.push(dev);
    return `#${line}`;
  });
  return { text: lines.join(''), devices };
}

/** The path systemd's fstab generator names the swap unit after (UUID=… → /dev/disk/by-uuid/…). */
export function swapUnitPath(device: string): string {
  const m = /^(UUID|LABEL|PARTUUID|PARTLABEL)=(.*)$/.exec(device);
  if (!m) return device;
  const dir = { UUID: 'by-uuid', LABEL: 'by-label', PARTUUID: 'by-partuuid', PARTLABEL: 'by-partlabel' }[m[1] as 'UUID'];
  return `/dev/disk/${dir}/${(m[2] ?? '').replace(/^"(.*)"$/, '$1')}`;
}
