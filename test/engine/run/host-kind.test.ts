/**
 * A module's `uses` against its host's connection: an API module (uses: 'http')
 * on a shell host fails before it plans, in --check as in the real run, so
 * check predicts the failure instead of a change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeProject, resultOf, tsplay, writeProject } from './run-harness.js';

const BOOK = `
- hosts: localhost
  gather_facts: false
  tasks:
    - name: an API module on the control machine
      uri: { path: /policy/api/v1/infra, method: PATCH, body: {} }
      ignore_errors: true
`;

describe('modules and the kind of host they need', () => {
  let dir: string;
  beforeEach(() => {
    dir = writeProject({ 'pb.yml': BOOK });
  });
  afterEach(() => removeProject(dir));

  it.each([[['--check']], [[]]])('uses: http on a local host fails the same way (%j)', async (flags) => {
    const r = await tsplay(dir, ['pb.yml', ...flags]);
    expect(r.code, r.stderr).toBe(0);
    const res = resultOf(r, 'an API module on the control machine');
    expect(res?.status).toBe('failed');
    expect(JSON.stringify(res)).toContain("uri talks to an HTTP API, but host 'localhost' uses connection 'local'");
    expect(r.recap.localhost).toMatchObject({ changed: 0, ignored: 1 });
  });
});
