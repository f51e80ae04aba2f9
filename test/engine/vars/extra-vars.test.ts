/**
 * Inline `-e` mappings are YAML 1.1 as Ansible reads them (it parses them with
 * its own YAML loader), so their scalars type as a playbook's do.
 */
import { describe, expect, it } from 'vitest';
import { parseExtraVars } from '../../../src/engine/vars/extra-vars.js';

const noFiles = (): unknown => {
  throw new Error('no file expected');
};

describe('-e inline mappings', () => {
  it.each([
    { arg: '{m: 0644}', vars: { m: 420 } },
    { arg: '{"m": 0644}', vars: { m: 420 } },
    { arg: '{m: "0644"}', vars: { m: '0644' } },
    { arg: '{flag: yes, short: y}', vars: { flag: true, short: 'y' } },
    { arg: '{n: 1e3, t: 1:20}', vars: { n: '1e3', t: 80 } },
    { arg: '---\nm: 0755\n', vars: { m: 493 } },
    { arg: 'm=0644', vars: { m: '0644' } },
  ])('$arg', ({ arg, vars }) => {
    expect(parseExtraVars([arg], noFiles)).toEqual(vars);
  });

  it('bad YAML is an options error', () => {
    expect(() => parseExtraVars(['{bad json'], noFiles)).toThrow('-e: invalid JSON/YAML');
  });
});
