/**
 * The RedactingSink is the one place a run's output loses its secrets: every
 * kind of RunEvent, with a secret in every string it carries, comes out with
 * none, and the sinks behind it (which have no redactor of their own) print
 * none.
 */
import { describe, expect, it } from 'vitest';
import { HumanSink, JsonSink, JunitSink, MultiSink, ProfileSink } from '../../../src/engine/output/index.js';
import type { EventSink, RunEvent, TaskRef } from '../../../src/engine/run/events.js';
import { RedactingSink, redactEvent } from '../../../src/engine/run/redacting-sink.js';
import { MASK, Redactor, Secret } from '../../../src/engine/secret.js';
import { Capture, stats } from '../output/fixtures.js';

const S = 'hunter2-s3cret';
/** a vaulted number: masked by its text */
const PIN = 482913;

/** Every field of every kind of event, optional ones included: a new field or kind must be added here to compile. */
type EveryField = { [K in RunEvent['type']]: Required<Extract<RunEvent, { type: K }>> };

const task: Required<TaskRef> = { name: `deploy ${S}`, module: `mod_${S}`, role: `role-${S}`, where: `roles/${S}/tasks/main.yml:3`, handler: true, showsResult: true };

const EVENTS: EveryField = {
  playbook_start: { type: 'playbook_start', file: `${S}/site.yml`, checkMode: true },
  play_start: { type: 'play_start', name: `play ${S}`, hosts: [`web-${S}`, `db-${S}`] },
  task_start: { type: 'task_start', task, hosts: [`web-${S}`] },
  host_result: {
    type: 'host_result',
    task,
    host: `web-${S}`,
    status: 'failed',
    ignored: true,
    durationMs: 12.5,
    item: `item ${S}`,
    msg: `failed with ${S}`,
    diff: [
      { label: `/etc/${S}.conf`, before: `password=${S}\n`, after: `password=new-${S}\n` },
      { label: `pkg-${S}`, before: { [`key-${S}`]: `v-${S}`, pin: PIN }, after: [`x ${S}`, PIN, new Secret(`inner ${S}`)] },
    ],
    result: { stdout: `out ${S}`, stdout_lines: [`line ${S}`], [`key ${S}`]: { nested: [`deep ${S}`, PIN] }, pin: PIN, secret: new Secret(S), rc: 1 },
    delegatedTo: `jump-${S}`,
    loopSummary: true,
  },
  task_end: { type: 'task_end', task, durationMs: 30 },
  warning: { type: 'warning', message: `warned about ${S}`, host: `web-${S}`, origin: 'inventory' },
  debug: { type: 'debug', level: 3, message: `exec: echo ${S} ${PIN}`, host: `web-${S}` },
  play_end: { type: 'play_end', name: `play ${S}` },
  recap: { type: 'recap', stats: { [`web-${S}`]: stats({ ok: 3, failed: 1 }), [`db-${S}`]: stats({ ok: 2 }) }, durationMs: 99 },
};

function redactor(): Redactor {
  const r = new Redactor();
  r.add(S);
  r.add(String(PIN));
  return r;
}

/** Every string value in a value (Secrets left out: they mask themselves), with its path. */
function strings(value: unknown, path = ''): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (value === null || typeof value !== 'object' || value instanceof Secret) return [];
  return Object.entries(value).flatMap(([k, v]) => strings(v, `${path}.${k}`));
}

const NOT_DATA = new Set(['.type', '.status', '.origin']);

describe('redactEvent', () => {
  it.each(Object.values(EVENTS))('$type: the sample has the secret in every string field', (event) => {
    // a recap's strings are its keys, the host names
    const hosts = event.type === 'recap' ? Object.keys(event.stats).map((h) => ({ path: `.stats[${h}]`, text: h })) : [];
    const fields = [...strings(event).filter((s) => !NOT_DATA.has(s.path)), ...hosts];
    expect(fields.length).toBeGreaterThan(0);
    for (const s of fields) expect(s.text, s.path).toContain(S);
  });

  it.each(Object.values(EVENTS))('$type: no secret is left in any string, key or number', (event) => {
    const out = redactEvent(event, redactor());
    const json = JSON.stringify(out);
    expect(json).not.toContain(S);
    expect(json).not.toContain(String(PIN));
    expect(json).toContain(MASK);
    // nothing but the secrets changed: the kind, the status and the engine's own numbers and flags stay
    expect(out.type).toBe(event.type);
    const fields: Record<string, unknown> = { ...out };
    expect(Object.keys(fields).sort()).toEqual(Object.keys(event).sort());
    for (const [k, v] of Object.entries(event)) if (typeof v === 'number' || typeof v === 'boolean' || k === 'status') expect(fields[k], k).toBe(v);
    if (out.type === 'recap') expect(Object.values(out.stats)).toEqual(Object.values(EVENTS.recap.stats));
  });

  it('leaves the event it was given as it was', () => {
    const before = JSON.stringify(EVENTS.host_result);
    redactEvent(EVENTS.host_result, redactor());
    expect(JSON.stringify(EVENTS.host_result)).toBe(before);
    expect(before).toContain(S);
  });
});

describe('RedactingSink', () => {
  it('asks the redactor at every emit: a secret learnt during the run is masked from then on', () => {
    const seen: RunEvent[] = [];
    const r = new Redactor();
    const sink = new RedactingSink({ emit: (e) => void seen.push(e) }, r);
    const warning: RunEvent = { type: 'warning', message: `become password ${S}` };
    sink.emit(warning);
    r.add(S); // as the run does when a task with become or no_log reveals it
    sink.emit(warning);
    expect(seen).toEqual([warning, { type: 'warning', message: `become password ${MASK}` }]);
  });

  it('closes the sink behind it', async () => {
    let closed = false;
    const inner: EventSink = { emit: () => undefined, close: async () => void (closed = true) };
    await new RedactingSink(inner, new Redactor()).close();
    expect(closed).toBe(true);
  });

  it('every event through it leaves no secret in the human (-vvv, --diff), JSON, JUnit and profile output', async () => {
    const human = new Capture();
    const json = new Capture();
    const profile = new Capture();
    let xml = '';
    const sinks = new MultiSink([
      new HumanSink(human, { verbosity: 3, diff: true, env: {} }),
      new JsonSink(json),
      new JunitSink({ file: 'report.xml', writeFile: async (_file, content) => void (xml = content) }),
      new ProfileSink(profile),
    ]);
    const sink = new RedactingSink(sinks, redactor());
    const { playbook_start, play_start, task_start, host_result, task_end, warning, debug, play_end, recap } = EVENTS;
    for (const e of [playbook_start, play_start, task_start, { ...host_result, loopSummary: false }, warning, debug, task_end, play_end, recap]) sink.emit(e);
    await sink.close();
    for (const [name, text] of [['human', human.text], ['json', json.text], ['junit', xml], ['profile', profile.text]] as const) {
      expect(text, name).toContain(MASK);
      expect(text, name).not.toContain(S);
      expect(text, name).not.toContain(String(PIN));
    }
  });
});
