/**
 * Connection variables that are templates are rendered before the
 * connection is opened, for tasks and for fact gathering alike.
 */
import { describe, expect, it } from 'vitest';
import { removeProject, tsplay, writeProject } from './run-harness.js';

describe('templated connection variables', () => {
  it.each([true, false])('tsplay_connection: "{{ conn_kind }}" opens a local connection (gather_facts: %s)', async (gather) => {
    const dir = writeProject({
      'inventory.yml': ['all:', '  hosts:', '    h1:', '      conn_kind: local', '      tsplay_connection: "{{ conn_kind }}"', ''].join('\n'),
      'play.yml': ['- hosts: all', `  gather_facts: ${gather}`, '  tasks:', '    - command: "true"', ''].join('\n'),
    });
    try {
      const r = await tsplay(dir, ['play.yml', '-i', 'inventory.yml']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.recap['h1']).toMatchObject({ unreachable: 0, failed: 0 });
    } finally {
      removeProject(dir);
    }
  });
});
