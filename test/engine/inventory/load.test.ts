import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/engine/errors.js';
import { loadInventory, localhostInventory } from '../../../src/engine/inventory/load.js';
import { groupNamesOf, groupsMap, hostVariables } from '../../../src/engine/inventory/queries.js';
import { Secret } from '../../../src/engine/secret.js';
import { loadYamlFile } from '../../../src/engine/yaml/load.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/inventories');

function tempInventory(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-inv-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function parseError(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error('expected a ParseError');
}

describe('loadInventory errors', () => {
  it.each([
    {
      name: 'unknown group key with did-you-mean',
      text: 'all:\n  childrens:\n    web:\n',
      code: 'E_INVENTORY_UNKNOWN_KEY',
      line: 2,
      column: 3,
      field: 'all.childrens',
      hint: "did you mean 'children'",
    },
    {
      name: 'hosts written as a list',
      text: 'all:\n  children:\n    web:\n      hosts:\n        - a\n        - b\n',
      code: 'E_INVENTORY_STRUCTURE',
      line: 4,
      column: 7,
      field: 'all.children.web.hosts',
      hint: 'key',
    },
    {
      name: 'group that is a list',
      text: 'web:\n  - a\n',
      code: 'E_INVENTORY_STRUCTURE',
      line: 1,
      column: 1,
      field: 'web',
    },
    {
      name: 'host vars that are a string',
      text: 'all:\n  hosts:\n    h1: yes please\n',
      code: 'E_INVENTORY_STRUCTURE',
      line: 3,
      column: 5,
      field: 'all.hosts.h1',
    },
    {
      name: 'bad host range',
      text: 'all:\n  hosts:\n    "n[01:100]":\n',
      code: 'E_INVENTORY_HOST_RANGE',
      line: 3,
      column: 5,
      field: 'all.hosts.n[01:100]',
    },
    {
      name: 'group loop',
      text: 'a:\n  children:\n    b:\n      children:\n        a:\n',
      code: 'E_INVENTORY_GROUP_LOOP',
      // b > a is read first (inner groups are read before being attached), so a > b closes the loop
      line: 3,
      column: 5,
      field: 'a.children.b',
    },
    { name: 'not a mapping', text: '- a\n- b\n', code: 'E_INVENTORY_STRUCTURE', line: 1, column: 1 },
    {
      name: 'a host variable whose template does not parse',
      text: 'all:\n  hosts:\n    h1:\n      greeting: "hi {{ name"\n',
      code: 'E_TEMPLATE_SYNTAX',
      line: 4,
      column: 7,
      field: 'all.hosts.h1.greeting',
    },
    {
      name: 'a group variable (inside a list) whose template does not parse',
      text: 'web:\n  vars:\n    urls:\n      - "{{ a }}"\n      - "{{#if b}}x"\n  hosts:\n    w1:\n',
      code: 'E_TEMPLATE_SYNTAX',
      line: 3,
      column: 5,
      field: 'web.vars.urls[1]',
    },
  ])('$name', (c) => {
    const dir = tempInventory({ 'hosts.yml': c.text });
    const e = parseError(() => loadInventory([join(dir, 'hosts.yml')]));
    expect(e.code).toBe(c.code);
    expect(e.location).toMatchObject({ file: join(dir, 'hosts.yml'), line: c.line, column: c.column });
    if (c.field) expect(e.location?.field).toBe(c.field);
    if (c.hint) expect(e.hint).toContain(c.hint);
  });

  it('reports a missing source', () => {
    const e = parseError(() => loadInventory(['/nonexistent/inventory.yml']));
    expect(e.code).toBe('E_INVENTORY_NOT_FOUND');
    expect(e.format()).toContain('/nonexistent/inventory.yml');
  });

  it('reports a group_vars file that is not a mapping, with its location', () => {
    const dir = tempInventory({ 'hosts.yml': 'web:\n  hosts:\n    w1:\n', 'group_vars/web.yml': '- 1\n' });
    const e = parseError(() => loadInventory([join(dir, 'hosts.yml')]));
    expect(e.code).toBe('E_INVENTORY_VARS_FILE');
    expect(e.location).toMatchObject({ file: join(dir, 'group_vars/web.yml'), line: 1 });
  });
});

describe('loadInventory: templates in group_vars files', () => {
  it('reports one that does not parse at its key, with a hint for Jinja2 filters', () => {
    const dir = tempInventory({ 'hosts.yml': 'web:\n  hosts:\n    w1:\n', 'group_vars/web.yml': 'port: 80\nurl: "http://{{ host | lower }}"\n' });
    const e = parseError(() => loadInventory([join(dir, 'hosts.yml')]));
    expect(e.code).toBe('E_TEMPLATE_SYNTAX');
    expect(e.location).toMatchObject({ file: join(dir, 'group_vars/web.yml'), line: 2, column: 1, field: 'url' });
    expect(e.hint).toContain('{{default x 1}}');
  });
});

describe('loadInventory', () => {
  it('reads every file through the injected readYaml', () => {
    const dir = tempInventory({
      'hosts.yml': 'web:\n  hosts:\n    w1:\n',
      'group_vars/web.yml': 'password: vaulted\n',
      'host_vars/w1.yml': 'token: vaulted\n',
    });
    const read: string[] = [];
    const inv = loadInventory([join(dir, 'hosts.yml')], {
      readYaml: (file) => {
        read.push(file);
        const data = loadYamlFile(file) as Record<string, unknown>;
        return file.includes('_vars') ? Object.fromEntries(Object.keys(data).map((k) => [k, new Secret(`clear-${k}`)])) : data;
      },
    });
    expect(read.sort()).toEqual([join(dir, 'group_vars/web.yml'), join(dir, 'host_vars/w1.yml'), join(dir, 'hosts.yml')]);
    const vars = hostVariables(inv, 'w1');
    expect(vars['password']).toBeInstanceOf(Secret);
    expect((vars['token'] as Secret).reveal()).toBe('clear-token');
  });

  it('applies extra vars dirs after the sources, in the order given', () => {
    const dir = tempInventory({
      'inv/hosts.yml': 'web:\n  hosts:\n    w1:\n',
      'inv/group_vars/web.yml': 'x: inventory\nw: inventory\nz: inventory\n',
      'root/group_vars/all.yml': 'x: root_all\n',
      'root/group_vars/web.yml': 'w: root\n',
      'play/group_vars/web.yml': 'w: play\n',
      'play/host_vars/w1.yml': 'z: play_host\n',
    });
    const inv = loadInventory([join(dir, 'inv/hosts.yml')], { extraVarsDirs: [join(dir, 'root'), join(dir, 'play')] });
    expect(hostVariables(inv, 'w1')).toEqual({ x: 'inventory', w: 'play', z: 'play_host' });
  });

  it('memoises host variables per inventory instance', () => {
    const inv = loadInventory([join(FIXTURES, 'nested/hosts.yml')]);
    expect(hostVariables(inv, 'web2')).toBe(hostVariables(inv, 'web2'));
    const other = loadInventory([join(FIXTURES, 'nested/hosts.yml')]);
    expect(hostVariables(other, 'web2')).not.toBe(hostVariables(inv, 'web2'));
    expect(hostVariables(other, 'web2')).toEqual(hostVariables(inv, 'web2'));
  });

  it('gives group_names and groups like Ansible', () => {
    const inv = loadInventory([join(FIXTURES, 'toplevel/hosts.yml')]);
    expect(groupNamesOf(inv, 'loner')).toEqual(['ungrouped']);
    expect(groupNamesOf(inv, 'db.example.com')).toEqual(['dbservers', 'parent_of_strings']);
    const groups = groupsMap(inv);
    expect(groups['empty_group']).toEqual([]);
    expect(groups['parent_of_strings']).toEqual(['db.example.com']);
    expect(groups['ungrouped']).toEqual(['explicit_ungrouped', 'loner', 'localhost']);
    expect(groups['all']).toHaveLength(7);
    expect(hostVariables(inv, 'www.example.com')).toMatchObject({ ansible_port: 2222, tsplay_user: 'deploy' });
  });

  it('localhostInventory has no hosts but an implicit localhost', () => {
    const dir = tempInventory({ 'group_vars/all.yml': 'site: demo\n' });
    const inv = localhostInventory({ extraVarsDirs: [dir] });
    expect([...inv.hosts.keys()]).toEqual([]);
    expect(groupsMap(inv)).toEqual({ all: [], ungrouped: [] });
    expect(hostVariables(inv, 'localhost')).toEqual({ site: 'demo', ansible_connection: 'local' });
    expect(groupNamesOf(inv, 'localhost')).toEqual([]);
  });
});
