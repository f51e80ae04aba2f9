/** Renders a JUnit report as XML text, by hand, with every value escaped. */
import type { JunitCase, JunitSuite } from './junit-report.js';
import { escapeXmlAttr as attr, escapeXmlText as text } from './xml-escape.js';

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  timeMs: number;
}

function count(cases: readonly JunitCase[]): Counts {
  const c: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, timeMs: 0 };
  for (const k of cases) {
    c.tests++;
    c.timeMs += k.timeMs;
    if (k.outcome.kind === 'failure') c.failures++;
    if (k.outcome.kind === 'error') c.errors++;
    if (k.outcome.kind === 'skipped') c.skipped++;
  }
  return c;
}

function countAttrs(c: Counts): string {
  return `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(c.timeMs)}"`;
}

function renderCase(k: JunitCase): string[] {
  const open = `    <testcase classname="${attr(k.classname)}" name="${attr(k.name)}" time="${seconds(k.timeMs)}"`;
  const o = k.outcome;
  switch (o.kind) {
    case 'passed':
      return [`${open}/>`];
    case 'skipped':
      return [`${open}>`, o.message ? `      <skipped message="${attr(o.message)}"/>` : '      <skipped/>', '    </testcase>'];
    case 'failure':
    case 'error':
      return [`${open}>`, `      <${o.kind} message="${attr(o.message)}" type="${o.kind === 'failure' ? 'failed' : 'unreachable'}">${text(o.detail)}</${o.kind}>`, '    </testcase>'];
  }
}

export function renderJunit(suites: readonly JunitSuite[], name = 'tsplay'): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites name="${attr(name)}" ${countAttrs(count(suites.flatMap((s) => s.cases)))}>`);
  for (const s of suites) {
    lines.push(`  <testsuite name="${attr(s.name)}" ${countAttrs(count(s.cases))}>`);
    for (const k of s.cases) lines.push(...renderCase(k));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
