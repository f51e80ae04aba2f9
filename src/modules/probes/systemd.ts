/** Probes of systemd: unit properties, a unit's last result and log lines, unit names for paths. */
import { defineProbe, sh } from '../../engine/module.js';
import { parseShow, type UnitStatus } from '../support/systemd-unit.js';
import { commandFailure } from '../support/host-commands.js';
import { stdoutOf } from './failure.js';

/** `systemctl show UNIT -p P1,P2,...` as a property map. */
export const unitProperties = defineProbe({
  name: 'systemd.unit-properties',
  command: (a: { readonly unit: string; readonly properties: readonly string[] }) => sh`systemctl show ${a.unit} --no-pager -p ${a.properties.join(',')}`,
  parse: (r, a): UnitStatus => {
    if (r.exitCode !== 0) throw commandFailure(`systemctl show ${a.unit}`, r, { result: { name: a.unit } });
    return parseShow(r.stdout);
  },
});

/** Which of several units are masked (`systemctl show -p Id,LoadState`, one block per unit). */
export const maskedUnits = defineProbe({
  name: 'systemd.masked-units',
  command: (units: readonly string[]) => sh`systemctl show --no-pager -p Id,LoadState -- ${units}`,
  parse: (r): Set<string> => {
    const masked = new Set<string>();
    for (const block of stdoutOf('systemctl show', r).split(/\n\s*\n/)) {
      const id = /^Id=(.*)$/m.exec(block)?.[1];
      if (id && /^LoadState=masked$/m.test(block)) masked.add(id);
    }
    return masked;
  },
});

/** The result of a unit's last start (`start-limit-hit`, `exit-code`, ...); '' when systemd cannot say. */
export const unitResult = defineProbe({
  name: 'systemd.unit-result',
  command: (unit: string) => sh`systemctl show -p Result --value ${unit}`,
  parse: (r) => (r.exitCode === 0 ? r.stdout.trim() : ''),
});

/** The unit's last ten journal lines; '' when there are none or the journal cannot be read. */
export const journalTail = defineProbe({
  name: 'systemd.journal-tail',
  command: (unit: string) => sh`journalctl -u ${unit} -n 10 --no-pager -o cat`,
  parse: (r) => (r.exitCode === 0 ? r.stdout.trimEnd() : ''),
});

/** The swap unit names systemd generates for device paths (`systemd-escape -p --suffix=swap`). */
export const swapUnitNames = defineProbe({
  name: 'systemd.swap-unit-names',
  command: (paths: readonly string[]) => sh`systemd-escape -p --suffix=swap -- ${paths}`,
  parse: (r) => stdoutOf('systemd-escape', r).trim().split(/\s+/).filter(Boolean),
});
