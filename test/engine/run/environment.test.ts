/**
 * `environment:` values reach the command as text: strings as they are, numbers and booleans
 * as text, and lists and mappings as JSON (as `{{ x }}` renders them). Ansible stringifies every
 * value and refuses none; before, a list or mapping arrived as "[object Object]".
 */
import { describe, expect, it } from 'vitest';
import { removeProject, resultOf, tsplay, writeProject } from './run-harness.js';

describe('environment values', () => {
  it('are strings, numbers and booleans as text, lists and mappings as JSON', async () => {
    const dir = writeProject({
      'inventory.yml': ['all:', '  hosts:', '    localhost:', '      tsplay_connection: local', ''].join('\n'),
      'play.yml': [
        '- hosts: all',
        '  gather_facts: false',
        '  vars:',
        '    cfg: { a: 1, b: [x, y] }',
        '    names: [one, two]',
        '  tasks:',
        '    - name: env',
        '      shell: printf \'%s|\' "$TEXT" "$COUNT" "$FLAG" "$MAP" "$LIST" "$CFG" "$NAMES"',
        '      environment:',
        '        TEXT: plain text',
        '        COUNT: 3',
        '        FLAG: true',
        '        MAP: { k: v, n: [1, 2] }',
        '        LIST: [a, 1]',
        '        CFG: "{{ cfg }}"',
        '        NAMES: "{{ names }}"',
        '',
      ].join('\n'),
    });
    try {
      const r = await tsplay(dir, ['play.yml', '-i', 'inventory.yml']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const result = resultOf(r, 'env')?.result as { stdout?: string } | undefined;
      expect(result?.stdout).toBe('plain text|3|true|{"k":"v","n":[1,2]}|["a",1]|{"a":1,"b":["x","y"]}|["one","two"]|');
    } finally {
      removeProject(dir);
    }
  });
});
