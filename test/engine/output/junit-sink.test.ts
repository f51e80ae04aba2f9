import { describe, expect, it } from 'vitest';
import { JunitSink } from '../../../src/engine/output/junit-sink.js';
import { escapeXmlAttr, escapeXmlText } from '../../../src/engine/output/xml-escape.js';
import type { RunEvent } from '../../../src/engine/run/events.js';
import { RedactingSink } from '../../../src/engine/run/redacting-sink.js';
import { Redactor } from '../../../src/engine/secret.js';
import { result, task } from './fixtures.js';
import { parseXml, type XmlElement } from './mini-xml.js';

async function junit(events: readonly RunEvent[], redactor?: Redactor): Promise<{ file: string; xml: string; root: XmlElement }> {
  const written: { file: string; xml: string }[] = [];
  const junit = new JunitSink({ file: 'out/junit.xml', writeFile: async (file, xml) => void written.push({ file, xml }) });
  const sink = redactor ? new RedactingSink(junit, redactor) : junit;
  for (const e of events) sink.emit(e);
  await sink.close();
  expect(written).toHaveLength(1);
  const w = written[0] as { file: string; xml: string };
  return { ...w, root: parseXml(w.xml) };
}

const install = task('install', { module: 'apt' });
const conf = task('configure', { role: 'nginx' });

const events: RunEvent[] = [
  { type: 'play_start', name: 'web', hosts: ['web1', 'web2', 'web3'] },
  { type: 'task_start', task: install, hosts: ['web1', 'web2', 'web3'] },
  result(install, 'web1', 'changed', { durationMs: 1500 }),
  result(install, 'web2', 'failed', { durationMs: 250, msg: 'no package nginx', result: { rc: 100 } }),
  result(install, 'web3', 'unreachable', { durationMs: 5000, msg: 'timed out' }),
  { type: 'task_end', task: install, durationMs: 5000 },
  { type: 'task_start', task: conf, hosts: ['web1'] },
  result(conf, 'web1', 'skipped', { item: 'a', durationMs: 1 }),
  result(conf, 'web1', 'skipped', { item: 'b', durationMs: 2 }),
  { type: 'task_end', task: conf, durationMs: 3 },
  { type: 'play_end', name: 'web' },
  { type: 'play_start', name: 'db', hosts: ['db1'] },
  { type: 'task_start', task: install, hosts: ['db1'] },
  result(install, 'db1', 'ok', { item: 'x', durationMs: 10 }),
  result(install, 'db1', 'failed', { item: 'y', durationMs: 20, msg: 'ignored', ignored: true }),
  { type: 'task_end', task: install, durationMs: 30 },
  { type: 'play_end', name: 'db' },
];

describe('JunitSink', () => {
  it('writes one suite per play and one case per task × host', async () => {
    const { file, root } = await junit(events);
    expect(file).toBe('out/junit.xml');
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '5', failures: '1', errors: '1', skipped: '1' });
    const suites = root.children;
    expect(suites.map((s) => [s.name, s.attrs['name'], s.attrs['tests']])).toEqual([
      ['testsuite', 'web', '4'],
      ['testsuite', 'db', '1'],
    ]);
    const web = suites[0] as XmlElement;
    expect(web.attrs).toMatchObject({ failures: '1', errors: '1', skipped: '1', time: '6.753' });
    expect(web.children.map((c) => [c.attrs['classname'], c.attrs['name'], c.attrs['time'], c.children.map((k) => k.name)])).toEqual([
      ['web', '[web1] install', '1.500', []],
      ['web', '[web2] install', '0.250', ['failure']],
      ['web', '[web3] install', '5.000', ['error']],
      ['web', '[web1] nginx : configure', '0.003', ['skipped']],
    ]);
    const failure = web.children[1]?.children[0] as XmlElement;
    expect(failure.attrs['message']).toBe('no package nginx');
    expect(JSON.parse(failure.text)).toEqual({ msg: 'no package nginx', rc: 100 });
    expect(web.children[2]?.children[0]?.attrs['message']).toBe('timed out');
  });

  it('passes a loop whose only failure was ignored', async () => {
    const { root } = await junit(events);
    const db = root.children[1] as XmlElement;
    expect(db.children).toHaveLength(1);
    expect(db.children[0]?.children).toEqual([]);
    expect(db.children[0]?.attrs['time']).toBe('0.030');
  });

  it('writes an empty but valid report when nothing ran', async () => {
    const { root } = await junit([]);
    expect(root.attrs).toMatchObject({ tests: '0', failures: '0' });
    expect(root.children).toEqual([]);
  });

  // input, and what an XML parser reads back (characters XML 1.0 cannot carry become U+FFFD)
  const hostile: { input: string; readBack: string }[] = [
    { input: 'a & b < c > d', readBack: 'a & b < c > d' },
    { input: '"quoted" and \'single\'', readBack: '"quoted" and \'single\'' },
    { input: ']]> <![CDATA[ x ]]>', readBack: ']]> <![CDATA[ x ]]>' },
    { input: '</failure></testcase><testcase name="injected">', readBack: '</failure></testcase><testcase name="injected">' },
    { input: 'tab\there\nnew line\r\nwindows', readBack: 'tab\there\nnew line\r\nwindows' },
    { input: 'esc \u001b[31mred\u001b[0m bell \u0007 nul \u0000', readBack: 'esc \ufffd[31mred\ufffd[0m bell \ufffd nul \ufffd' },
    { input: 'emoji 🚀 and lone surrogate \ud800 end', readBack: 'emoji 🚀 and lone surrogate \ufffd end' },
    { input: '&amp; already escaped &#x41;', readBack: '&amp; already escaped &#x41;' },
  ];

  it.each(hostile)('escapes hostile text in names and messages: $input', async ({ input, readBack }) => {
    const t = task(`do ${input}`);
    const { root } = await junit([
      { type: 'play_start', name: input, hosts: [input] },
      { type: 'task_start', task: t, hosts: [input] },
      result(t, input, 'failed', { msg: input, result: { stdout: input } }),
    ]);
    const suite = root.children[0] as XmlElement;
    expect(suite.attrs['name']).toBe(readBack);
    expect(suite.children).toHaveLength(1);
    const kase = suite.children[0] as XmlElement;
    expect(kase.attrs['classname']).toBe(readBack);
    expect(kase.attrs['name']).toBe(`[${readBack}] do ${readBack}`);
    expect(kase.children[0]?.attrs['message']).toBe(readBack);
    // the body is JSON, which escapes control characters itself: it reads back exactly
    expect(JSON.parse(kase.children[0]?.text ?? '')).toEqual({ msg: input, stdout: input });
  });

  it('redacts behind the RedactingSink, before escaping', async () => {
    const redactor = new Redactor();
    redactor.add('s3<cr&t');
    const { xml } = await junit([result(install, 'web1', 'failed', { msg: 'pw is s3<cr&t' })], redactor);
    expect(xml).not.toContain('s3&lt;cr&amp;t');
    expect(xml).toContain('pw is ********');
  });
});

describe('xml escaping', () => {
  it.each([
    { input: '<a href="x">&</a>', text: '&lt;a href="x"&gt;&amp;&lt;/a&gt;', attr: '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;' },
    { input: "it's", text: "it's", attr: 'it&apos;s' },
    { input: 'a\nb\tc\rd', text: 'a\nb\tc\rd', attr: 'a&#10;b&#9;c&#13;d' },
    { input: 'x\u0000y\u001bz\ufffe', text: 'x\ufffdy\ufffdz\ufffd', attr: 'x\ufffdy\ufffdz\ufffd' },
    { input: '🚀', text: '🚀', attr: '🚀' },
  ])('$input', ({ input, text, attr }) => {
    expect(escapeXmlText(input)).toBe(text);
    expect(escapeXmlAttr(input)).toBe(attr);
  });
});
