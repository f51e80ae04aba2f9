/**
 * Parallelism over SSH, judged from the `--json` events (when each host's
 * work ran), not from wall-clock thresholds:
 *  - forks limits how many hosts run a task at once (6 hosts: 2 with -f 2, 6 with -f 6);
 *  - the free strategy lets a fast host run ahead of a slow one;
 *  - `throttle` caps one task (or a block's tasks) below forks;
 *  - serial batches over SSH hosts, with max_fail_percentage judged per batch.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAvailable, startSshHosts, type SshLabHost } from '../lab/index.js';
import { interval, jsonEvents, maxOverlap, sshHome, sshHostLines, sshInventory, tsplay, type JsonEvent, type SshHome } from './ssh-lab.js';

const ready = await labAvailable(['sshd']);
/** Event times have millisecond resolution and durations are measured apart: shrink each span a little. */
const SLACK_MS = 50;

describe.skipIf(!ready)('parallelism over SSH', () => {
  let home: SshHome;
  let hosts: SshLabHost[] = [];
  let inventory: string;

  beforeAll(async () => {
    home = await sshHome();
    hosts = await startSshHosts(6, { authorizedKeys: [home.key.publicKey], namePrefix: 'par' });
    await home.trust(hosts);
    inventory = join(home.dir, 'inventory.yml');
    await writeFile(inventory, sshInventory({ lab: hosts.flatMap((h) => sshHostLines(h, home)) }));
  });
  afterAll(async () => {
    await Promise.allSettled(hosts.map((h) => h.stop()));
    await home?.cleanup();
  });

  async function playbook(name: string, lines: string[]): Promise<string> {
    const file = join(home.dir, name);
    await writeFile(file, `${lines.join('\n')}\n`);
    return file;
  }

  const results = (events: JsonEvent[], task: string): JsonEvent[] => events.filter((e) => e.event === 'host_result' && e.task === task);

  it('forks limits how many hosts run a task at once', async () => {
    const pb = await playbook('sleep.yml', ['- hosts: lab', '  gather_facts: false', '  tasks:', '    - name: connect', '      command: "true"', '    - name: sleep', '      command: sleep 1']);
    const concurrency = async (forks: number): Promise<number> => {
      const r = await tsplay([pb, '-i', inventory, '--json', '-f', String(forks)], home);
      expect(r.code, r.out).toBe(0);
      const spans = results(jsonEvents(r.stdout), 'sleep').map(interval);
      expect(spans).toHaveLength(6);
      return maxOverlap(spans.map(([a, b]) => [a + SLACK_MS, b - SLACK_MS]));
    };
    expect(await concurrency(2)).toBe(2);
    expect(await concurrency(6)).toBe(6);
  });

  it('throttle on a task, and on a block for the tasks in it, caps that task below forks', async () => {
    const pb = await playbook('throttle.yml', [
      '- hosts: lab',
      '  gather_facts: false',
      '  tasks:',
      '    - name: connect',
      '      command: "true"',
      '    - name: throttled task',
      '      command: sleep 1',
      '      throttle: 2',
      '    - block:',
      '        - name: in a throttled block',
      '          command: sleep 1',
      '      throttle: 3',
      '    - name: unthrottled',
      '      command: sleep 1',
    ]);
    const r = await tsplay([pb, '-i', inventory, '--json', '-f', '6'], home);
    expect(r.code, r.out).toBe(0);
    const events = jsonEvents(r.stdout);
    const overlap = (task: string): number => maxOverlap(results(events, task).map(interval).map(([a, b]) => [a + SLACK_MS, b - SLACK_MS]));
    expect(overlap('throttled task')).toBe(2);
    expect(overlap('in a throttled block')).toBe(3);
    expect(overlap('unthrottled')).toBe(6);
  });

  it('the free strategy lets a fast host run ahead; linear waits for every host', async () => {
    const lines = (strategy: string): string[] => [
      '- hosts: lab',
      `  strategy: ${strategy}`,
      '  gather_facts: false',
      '  tasks:',
      '    - name: one',
      `      shell: case "$(hostname)" in ${hosts[0]!.name}) sleep 2;; esac`,
      '    - name: two',
      '      command: "true"',
      '    - name: three',
      '      command: "true"',
    ];
    const order = async (strategy: string): Promise<string[]> => {
      const r = await tsplay([await playbook(`${strategy}.yml`, lines(strategy)), '-i', inventory, '--json'], home);
      expect(r.code, r.out).toBe(0);
      return jsonEvents(r.stdout)
        .filter((e) => e.event === 'host_result')
        .map((e) => `${e.host}:${e.task}`);
    };
    const slow = hosts[0]!.name;
    const fast = hosts[1]!.name;
    const free = await order('free');
    expect(free.indexOf(`${fast}:three`)).toBeLessThan(free.indexOf(`${slow}:one`));
    const linear = await order('linear');
    expect(linear.indexOf(`${fast}:two`)).toBeGreaterThan(linear.indexOf(`${slow}:one`));
  });

  it('serial batches with max_fail_percentage judged per batch; exceeding it ends the play and the playbook', async () => {
    const [h1, , , h4, h5, h6] = hosts.map((h) => h.name) as [string, string, string, string, string, string];
    const pb = await playbook('serial.yml', [
      '- name: rolling',
      '  hosts: lab',
      '  serial: 3',
      '  max_fail_percentage: 34',
      '  gather_facts: false',
      '  tasks:',
      '    - name: maybe fail',
      `      fail: { msg: planned }`,
      `      when: inventory_hostname in ['${h1}', '${h4}', '${h5}']`,
      '    - name: after',
      '      command: "true"',
      '- name: later play',
      '  hosts: lab',
      '  gather_facts: false',
      '  tasks:',
      '    - command: "true"',
    ]);
    const r = await tsplay([pb, '-i', inventory, '--json'], home);
    expect(r.code, r.out).toBe(2);
    const events = jsonEvents(r.stdout);
    const plays = events.filter((e) => e.event === 'play_start').map((e) => e.play);
    expect(plays).toEqual(['rolling']);
    // batch 1: one of three failed (33% <= 34%): the other two go on
    expect(results(events, 'after').map((e) => e.host).sort()).toEqual(hosts.slice(1, 3).map((h) => h.name).sort());
    // batch 2: two of three failed (67%): the play ends, h6 does not run `after`
    expect(results(events, 'maybe fail').filter((e) => e.status === 'failed').map((e) => e.host).sort()).toEqual([h1, h4, h5].sort());
    expect(results(events, 'after').some((e) => e.host === h6)).toBe(false);
    // batches run one after the other: batch 2 starts after batch 1 ended
    const batch1End = Math.max(...results(events, 'after').map((e) => Date.parse(e.time)));
    const batch2Start = Math.min(...results(events, 'maybe fail').filter((e) => [h4, h5, h6].includes(e.host!)).map((e) => interval(e)[0]));
    expect(batch2Start).toBeGreaterThanOrEqual(batch1End - SLACK_MS);
  });
});
