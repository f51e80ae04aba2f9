import { describe, expect, it } from 'vitest';
import { HumanSink, type HumanSinkOptions } from '../../../src/engine/output/human-sink.js';
import type { Spinner, SpinnerFactory } from '../../../src/engine/output/spinner.js';
import type { RunEvent } from '../../../src/engine/run/events.js';
import { RedactingSink } from '../../../src/engine/run/redacting-sink.js';
import { Redactor } from '../../../src/engine/secret.js';
import { Capture, ESC, playWithTask, result, stats, task } from './fixtures.js';

/** The events through a HumanSink; with a redactor, through the run's RedactingSink first. */
function run(events: readonly RunEvent[], opts: HumanSinkOptions = {}, out = new Capture(), redactor?: Redactor): Capture {
  const human = new HumanSink(out, { env: {}, ...opts });
  const sink = redactor ? new RedactingSink(human, redactor) : human;
  for (const e of events) sink.emit(e);
  return out;
}

const t = task('install nginx', { module: 'apt' });

describe('HumanSink headers', () => {
  const cases: { name: string; event: RunEvent; width?: number; expected: string }[] = [
    { name: 'play', event: { type: 'play_start', name: 'webservers', hosts: [] }, expected: 'PLAY [webservers] ' },
    { name: 'task', event: { type: 'task_start', task: task('copy motd'), hosts: [] }, expected: 'TASK [copy motd] ' },
    {
      name: 'task in a role',
      event: { type: 'task_start', task: task('start', { role: 'nginx' }), hosts: [] },
      expected: 'TASK [nginx : start] ',
    },
    { name: 'unnamed task uses the module', event: { type: 'task_start', task: task('', { module: 'ping' }), hosts: [] }, expected: 'TASK [ping] ' },
    {
      name: 'handler',
      event: { type: 'task_start', task: task('restart nginx', { handler: true }), hosts: [] },
      expected: 'RUNNING HANDLER [restart nginx] ',
    },
    { name: 'custom width', event: { type: 'play_start', name: 'x', hosts: [] }, width: 60, expected: 'PLAY [x] ' },
  ];
  it.each(cases)('$name', ({ event, width, expected }) => {
    const out = run([event], width ? { width } : {});
    expect(out.lines[0]).toBe('');
    const header = out.lines[1] ?? '';
    expect(header.startsWith(expected)).toBe(true);
    expect(header.length).toBe(width ?? 80);
    expect(header.slice(expected.length)).toMatch(/^\*+$/);
  });

  it('keeps at least three stars for very long names', () => {
    const out = run([{ type: 'play_start', name: 'p'.repeat(100), hosts: [] }]);
    expect(out.lines[1]).toBe(`PLAY [${'p'.repeat(100)}] ***`);
  });

  it('uses the terminal width on a TTY', () => {
    const out = run([{ type: 'play_start', name: 'x', hosts: [] }], { color: false, spinner: () => fakeSpinner([]) }, new Capture({ isTTY: true, columns: 100 }));
    expect(out.lines[1]).toHaveLength(100);
  });
});

describe('HumanSink status lines', () => {
  const cases: { name: string; event: RunEvent; expected: string[] }[] = [
    { name: 'ok', event: result(t, 'web1', 'ok'), expected: ['ok: [web1]'] },
    { name: 'changed', event: result(t, 'web1', 'changed'), expected: ['changed: [web1]'] },
    { name: 'skipped', event: result(t, 'web1', 'skipped'), expected: ['skipping: [web1]'] },
    { name: 'failed', event: result(t, 'web1', 'failed', { msg: 'No package matching nginx' }), expected: ['fatal: [web1]: FAILED! => No package matching nginx'] },
    { name: 'unreachable', event: result(t, 'web1', 'unreachable', { msg: 'ssh: connection refused' }), expected: ['fatal: [web1]: UNREACHABLE! => ssh: connection refused'] },
    { name: 'ignored failure', event: result(t, 'web1', 'failed', { msg: 'boom', ignored: true }), expected: ['fatal: [web1]: FAILED! => boom', '...ignoring'] },
    { name: 'loop item', event: result(t, 'web1', 'changed', { item: 'nginx' }), expected: ['changed: [web1] => (item=nginx)'] },
    { name: 'skipped loop item', event: result(t, 'web1', 'skipped', { item: 'vim' }), expected: ['skipping: [web1] => (item=vim)'] },
    { name: 'failed loop item', event: result(t, 'web1', 'failed', { item: 'x', msg: 'bad' }), expected: ['failed: [web1] (item=x) => bad'] },
    { name: 'delegated', event: result(t, 'web1', 'ok', { delegatedTo: 'lb1' }), expected: ['ok: [web1 -> lb1]'] },
    { name: 'delegated failure', event: result(t, 'web1', 'failed', { delegatedTo: 'lb1', msg: 'm' }), expected: ['fatal: [web1 -> lb1]: FAILED! => m'] },
    {
      name: 'failure without msg shows the result',
      event: result(t, 'web1', 'failed', { result: { rc: 2 } }),
      expected: ['fatal: [web1]: FAILED! => {"rc":2}'],
    },
    {
      name: 'debug module msg at default verbosity',
      event: result(task('show', { module: 'debug', showsResult: true }), 'web1', 'ok', { result: { msg: 'hello', changed: false } }),
      expected: ['ok: [web1] => {', '    "msg": "hello"', '}'],
    },
    {
      name: 'debug module var',
      event: result(task('show', { module: 'debug', showsResult: true }), 'web1', 'ok', { result: { port: 80, changed: false } }),
      expected: ['ok: [web1] => {', '    "port": 80', '}'],
    },
    {
      name: 'debug module with only msg field on the event',
      event: result(task('show', { module: 'debug', showsResult: true }), 'web1', 'ok', { msg: 'hi' }),
      expected: ['ok: [web1] => {', '    "msg": "hi"', '}'],
    },
  ];
  it.each(cases)('$name', ({ event, expected }) => {
    expect(run([event]).lines.slice(0, -1)).toEqual(expected);
  });
});

describe('HumanSink verbosity', () => {
  const changed = result(t, 'web1', 'changed', { result: { rc: 0, stdout: 'done' } });
  const ok = result(t, 'web1', 'ok', { result: { rc: 0 } });
  const failed = result(t, 'web1', 'failed', { msg: 'boom', result: { rc: 1 } });
  const debug = (level: number): RunEvent => ({ type: 'debug', level, message: `level ${level}`, host: 'web1' });
  const cases: { name: string; verbosity: number; event: RunEvent; expected: string[] }[] = [
    { name: 'changed at 0', verbosity: 0, event: changed, expected: ['changed: [web1]'] },
    { name: 'changed at -v', verbosity: 1, event: changed, expected: ['changed: [web1] => {', '    "rc": 0,', '    "stdout": "done"', '}'] },
    { name: 'ok at -v', verbosity: 1, event: ok, expected: ['ok: [web1]'] },
    { name: 'ok at -vv', verbosity: 2, event: ok, expected: ['ok: [web1] => {', '    "rc": 0', '}'] },
    { name: 'failed at -v', verbosity: 1, event: failed, expected: ['fatal: [web1]: FAILED! => {', '    "rc": 1,', '    "msg": "boom"', '}'] },
    { name: 'debug 2 hidden at -v', verbosity: 1, event: debug(2), expected: [] },
    { name: 'debug 1 hidden at -v', verbosity: 1, event: debug(1), expected: [] },
    { name: 'debug 2 at -vv', verbosity: 2, event: debug(2), expected: ['<web1> level 2'] },
    { name: 'debug 3 hidden at -vv', verbosity: 2, event: debug(3), expected: [] },
    { name: 'debug 3 at -vvv', verbosity: 3, event: debug(3), expected: ['<web1> level 3'] },
    { name: 'playbook hidden at 0', verbosity: 0, event: { type: 'playbook_start', file: 'site.yml', checkMode: true }, expected: [] },
    { name: 'playbook at -v', verbosity: 1, event: { type: 'playbook_start', file: 'site.yml', checkMode: true }, expected: ['PLAYBOOK: site.yml (check mode)'] },
    { name: 'task path at -vv', verbosity: 2, event: { type: 'task_start', task: task('t', { where: 'site.yml:4' }), hosts: [] }, expected: ['', `TASK [t] ${'*'.repeat(71)}`, 'task path: site.yml:4'] },
    { name: 'debug without host', verbosity: 3, event: { type: 'debug', level: 3, message: 'ssh exec' }, expected: ['ssh exec'] },
  ];
  it.each(cases)('$name', ({ verbosity, event, expected }) => {
    expect(run([event], { verbosity }).lines.slice(0, -1)).toEqual(expected);
  });

  it('dumps YAML when asked', () => {
    const lines = run([changed], { verbosity: 1, resultFormat: 'yaml' }).lines.slice(0, -1);
    expect(lines).toEqual(['changed: [web1] =>', '    rc: 0', '    stdout: done']);
  });
});

describe('HumanSink warnings', () => {
  it.each([
    { event: { type: 'warning', message: 'deprecated option' } as RunEvent, expected: '[WARNING]: deprecated option' },
    { event: { type: 'warning', message: 'slow', host: 'db1' } as RunEvent, expected: '[WARNING]: [db1]: slow' },
  ])('$expected', ({ event, expected }) => {
    expect(run([event]).lines[0]).toBe(expected);
  });

  it('warnings found while loading go to the stderr target, uncoloured; the others stay with the output', () => {
    const err = new Capture();
    const out = run(
      [
        { type: 'warning', message: 'Found both group and host with same name: web1', origin: 'inventory' },
        { type: 'warning', message: 'service is masked', host: 'web1' },
      ],
      { color: true, stderr: err },
    );
    expect(err.text).toBe('[WARNING]: Found both group and host with same name: web1\n');
    expect(out.text).toBe(`${ESC}35m[WARNING]: [web1]: service is masked${ESC}39m\n`);
  });

  it('without a stderr target, warnings found while loading are printed with the rest', () => {
    expect(run([{ type: 'warning', message: 'Found both group and host with same name: web1', origin: 'inventory' }]).text).toBe(
      '[WARNING]: Found both group and host with same name: web1\n',
    );
  });
});

describe('HumanSink recap', () => {
  const recap: RunEvent = {
    type: 'recap',
    durationMs: 1000,
    stats: {
      web1: stats({ ok: 3, changed: 1 }),
      'db-primary.example.com': stats({ ok: 2, failed: 1, ignored: 1 }),
      lb: stats({ unreachable: 1, skipped: 2, rescued: 1 }),
    },
  };

  it('prints aligned lines in the exact form', () => {
    const lines = run([recap]).lines;
    expect(lines[1]?.startsWith('PLAY RECAP ***')).toBe(true);
    expect(lines.slice(2, 5)).toEqual([
      'web1                   : ok=3 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0',
      'db-primary.example.com : ok=2 changed=0 unreachable=0 failed=1 skipped=0 rescued=0 ignored=1',
      'lb                     : ok=0 changed=0 unreachable=1 failed=0 skipped=2 rescued=1 ignored=0',
    ]);
    const colons = lines.slice(2, 5).map((l) => l.indexOf(':'));
    expect(new Set(colons).size).toBe(1);
  });

  it('colours names by worst outcome and non-zero counts', () => {
    const lines = run([recap], { color: true }).lines;
    expect(lines[2]).toBe(`${ESC}33mweb1${ESC}39m                   : ${ESC}32mok=3${ESC}39m ${ESC}33mchanged=1${ESC}39m unreachable=0 failed=0 skipped=0 rescued=0 ignored=0`);
    expect(lines[3]?.startsWith(`${ESC}31mdb-primary.example.com${ESC}39m : `)).toBe(true);
    // stripped of colour, the lines still align
    const plain = lines.slice(2, 5).map((l) => l.replace(/\u001b\[\d+m/g, ''));
    expect(new Set(plain.map((l) => l.indexOf(':'))).size).toBe(1);
  });
});

describe('HumanSink colours', () => {
  const events = [result(t, 'web1', 'ok'), result(t, 'web1', 'changed'), result(t, 'web1', 'skipped'), result(t, 'web1', 'failed', { msg: 'x' }), result(t, 'web1', 'unreachable', { msg: 'y' })];
  const coloured = [`${ESC}32mok: [web1]${ESC}39m`, `${ESC}33mchanged: [web1]${ESC}39m`, `${ESC}36mskipping: [web1]${ESC}39m`, `${ESC}31mfatal: [web1]: FAILED! => x${ESC}39m`, `${ESC}31mfatal: [web1]: UNREACHABLE! => y${ESC}39m`];
  const plain = ['ok: [web1]', 'changed: [web1]', 'skipping: [web1]', 'fatal: [web1]: FAILED! => x', 'fatal: [web1]: UNREACHABLE! => y'];
  const noSpinner: SpinnerFactory = () => fakeSpinner([]);

  it.each([
    { name: 'TTY without NO_COLOR', tty: true, env: {}, expected: coloured },
    { name: 'TTY with NO_COLOR', tty: true, env: { NO_COLOR: '1' }, expected: plain },
    { name: 'TTY with empty NO_COLOR', tty: true, env: { NO_COLOR: '' }, expected: coloured },
    { name: 'not a TTY', tty: false, env: {}, expected: plain },
  ])('$name', ({ tty, env, expected }) => {
    const out = run(events, { env, spinner: noSpinner }, new Capture({ isTTY: tty }));
    expect(out.lines.slice(0, -1)).toEqual(expected);
  });

  it('the color option overrides detection', () => {
    expect(run(events.slice(0, 1), { color: true }).lines[0]).toBe(coloured[0]);
    expect(run(events.slice(0, 1), { color: false }, new Capture({ isTTY: true })).lines[0]).toBe(plain[0]);
  });
});

type SpinnerCall = { op: 'show'; text: string } | { op: 'hide' };

function fakeSpinner(calls: (SpinnerCall | { op: 'write'; text: string })[]): Spinner {
  let visible = false;
  return {
    show(text) {
      visible = true;
      calls.push({ op: 'show', text });
    },
    hide() {
      if (visible) calls.push({ op: 'hide' });
      visible = false;
    },
    get visible() {
      return visible;
    },
  };
}

describe('HumanSink spinner', () => {
  const hosts = ['web1', 'web2'];
  const events = playWithTask(t, hosts, [result(t, 'web1', 'changed', { item: 'a' }), result(t, 'web1', 'changed'), result(t, 'web2', 'ok')]);

  it.each([
    { name: 'not a TTY', tty: false, env: {} },
    { name: 'in CI', tty: true, env: { CI: 'true' } },
  ])('is never created when $name', ({ tty, env }) => {
    let created = 0;
    const out = run(events, { env, color: false, spinner: () => (created++, fakeSpinner([])) }, new Capture({ isTTY: tty }));
    expect(created).toBe(0);
    expect(out.text).toContain('changed: [web1]\nok: [web2]\n');
  });

  it('is not created for a bare write function (ora needs a stream)', () => {
    let created = 0;
    const lines: string[] = [];
    const sink = new HumanSink((text) => lines.push(text), { env: {}, isTTY: true, spinner: () => (created++, fakeSpinner([])) });
    for (const e of events) sink.emit(e);
    expect(created).toBe(0);
    expect(lines.length).toBeGreaterThan(0);
  });

  it('on a TTY shows pending hosts and is hidden before every line', () => {
    const calls: (SpinnerCall | { op: 'write'; text: string })[] = [];
    const streamed = new HumanSink(
      { write: (text: string) => calls.push({ op: 'write', text }), isTTY: true },
      { env: {}, color: false, spinner: () => fakeSpinner(calls) },
    );
    for (const e of events) streamed.emit(e);

    const shows = calls.filter((c): c is { op: 'show'; text: string } => c.op === 'show').map((c) => c.text);
    expect(shows[0]).toContain('install nginx');
    expect(shows[0]).toContain('web1, web2');
    // after web1's item result web1 still works; after its final result only web2 is pending
    expect(shows).toContain('install nginx — waiting for web2');
    // never a write while the spinner is visible
    let visible = false;
    for (const c of calls) {
      if (c.op === 'show') visible = true;
      if (c.op === 'hide') visible = false;
      if (c.op === 'write') expect(visible).toBe(false);
    }
    expect(visible).toBe(false);
  });
});

describe('HumanSink diffs', () => {
  const motd = { label: '/etc/motd', before: 'hello\n', after: 'welcome\n' };
  const motdLines = ['--- before: /etc/motd', '+++ after: /etc/motd', '@@ -1,1 +1,1 @@', '-hello', '+welcome'];

  it('prints a diff shared by several hosts once, then the hosts', () => {
    const events = playWithTask(t, ['web1', 'web2', 'web3'], [
      result(t, 'web1', 'changed', { diff: [motd] }),
      result(t, 'web2', 'changed', { diff: [motd] }),
      result(t, 'web3', 'changed', { diff: [{ ...motd, after: 'other\n' }] }),
    ]);
    const lines = run(events, { diff: true }).lines;
    const start = lines.indexOf('changed: [web3]') + 1;
    expect(lines.slice(start, start + 14)).toEqual([
      ...motdLines,
      'hosts: web1, web2',
      '',
      '--- before: /etc/motd',
      '+++ after: /etc/motd',
      '@@ -1,1 +1,1 @@',
      '-hello',
      '+other',
      'hosts: web3',
      '',
    ]);
    expect(lines.filter((l) => l === '+welcome')).toHaveLength(1);
  });

  it('prints nothing without --diff', () => {
    const out = run(playWithTask(t, ['web1'], [result(t, 'web1', 'changed', { diff: [motd] })]));
    expect(out.text).not.toContain('before:');
  });

  it('prints structured diffs for objects', () => {
    const diff = {
      label: 'deployment/web',
      before: { spec: { replicas: 2, rules: [{ port: 80 }] }, old: true },
      after: { spec: { replicas: 3, rules: [{ port: 80 }, { port: 443 }] } },
    };
    const lines = run(playWithTask(t, ['k8s'], [result(t, 'k8s', 'changed', { diff: [diff] })]), { diff: true }).lines;
    const start = lines.indexOf('--- before: deployment/web');
    expect(lines.slice(start, start + 6)).toEqual([
      '--- before: deployment/web',
      '+++ after: deployment/web',
      '~ spec.replicas: 2 → 3',
      '+ spec.rules[1]: {"port":443}',
      '- old: true',
      'hosts: k8s',
    ]);
  });

  it('colours diff lines on a TTY', () => {
    const out = run(playWithTask(t, ['web1'], [result(t, 'web1', 'changed', { diff: [motd] })]), { diff: true, color: true });
    expect(out.text).toContain(`${ESC}31m-hello${ESC}39m`);
    expect(out.text).toContain(`${ESC}32m+welcome${ESC}39m`);
    expect(out.text).toContain(`${ESC}36m@@ -1,1 +1,1 @@${ESC}39m`);
  });

  it('redacts diff and status lines behind the RedactingSink', () => {
    const redactor = new Redactor();
    redactor.add('hunter22');
    const diff = { label: '/etc/app.conf', before: 'password=old\n', after: 'password=hunter22\n' };
    const out = run(playWithTask(t, ['web1'], [result(t, 'web1', 'failed', { msg: 'bad hunter22', diff: [diff] })]), { diff: true }, new Capture(), redactor);
    expect(out.text).not.toContain('hunter22');
    expect(out.text).toContain('+password=********');
    expect(out.text).toContain('FAILED! => bad ********');
  });
});

describe('HumanSink whole run', () => {
  it('prints a run the way ansible-playbook does', () => {
    const pkg = task('install packages', { module: 'apt', role: 'base' });
    const dbg = task('show', { module: 'debug', showsResult: true });
    const handler = task('restart nginx', { module: 'service', handler: true });
    const hosts = ['web1', 'web2'];
    const events: RunEvent[] = [
      { type: 'playbook_start', file: 'site.yml', checkMode: false },
      { type: 'play_start', name: 'webservers', hosts },
      { type: 'task_start', task: pkg, hosts },
      result(pkg, 'web1', 'changed', { item: 'nginx' }),
      result(pkg, 'web1', 'ok', { item: 'curl' }),
      result(pkg, 'web2', 'unreachable', { msg: 'Connection timed out' }),
      { type: 'task_end', task: pkg, durationMs: 100 },
      { type: 'task_start', task: dbg, hosts: ['web1'] },
      result(dbg, 'web1', 'ok', { result: { msg: 'port 80' } }),
      { type: 'task_end', task: dbg, durationMs: 1 },
      { type: 'task_start', task: handler, hosts: ['web1'] },
      { type: 'warning', message: 'service is masked' },
      result(handler, 'web1', 'changed', { delegatedTo: 'localhost' }),
      { type: 'task_end', task: handler, durationMs: 1 },
      { type: 'play_end', name: 'webservers' },
      { type: 'recap', durationMs: 200, stats: { web1: stats({ ok: 3, changed: 2 }), web2: stats({ unreachable: 1 }) } },
    ];
    const stars = (title: string): string => `${title} ${'*'.repeat(79 - title.length)}`;
    expect(run(events, { width: 80 }).text).toBe(
      [
        '',
        stars('PLAY [webservers]'),
        '',
        stars('TASK [base : install packages]'),
        'changed: [web1] => (item=nginx)',
        'ok: [web1] => (item=curl)',
        'fatal: [web2]: UNREACHABLE! => Connection timed out',
        '',
        stars('TASK [show]'),
        'ok: [web1] => {',
        '    "msg": "port 80"',
        '}',
        '',
        stars('RUNNING HANDLER [restart nginx]'),
        '[WARNING]: service is masked',
        'changed: [web1 -> localhost]',
        '',
        stars('PLAY RECAP'),
        'web1 : ok=3 changed=2 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0',
        'web2 : ok=0 changed=0 unreachable=1 failed=0 skipped=0 rescued=0 ignored=0',
        '',
        '',
      ].join('\n'),
    );
  });
});
