/**
 * Colours for human output. A palette with colours off returns text as is, so
 * formatting code never branches on colour itself.
 */
import { styleText } from 'node:util';
import type { HostStatus } from '../run/events.js';

type Format = Parameters<typeof styleText>[0];

export interface Palette {
  readonly enabled: boolean;
  paint(format: Format, text: string): string;
  /** green ok, yellow changed, cyan skipped, red failed/unreachable */
  status(status: HostStatus, text: string): string;
}

const STATUS_COLOUR: Record<HostStatus, Format> = {
  ok: 'green',
  changed: 'yellow',
  skipped: 'cyan',
  failed: 'red',
  unreachable: 'red',
};

export function createPalette(enabled: boolean): Palette {
  // validateStream: false — whether to colour is decided here, not by styleText's look at process.stdout.
  const paint = (format: Format, text: string): string =>
    enabled && text !== '' ? styleText(format, text, { validateStream: false }) : text;
  return {
    enabled,
    paint,
    status: (status, text) => paint(STATUS_COLOUR[status], text),
  };
}
