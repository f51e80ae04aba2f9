import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { loadPlaybook } from '../../../src/engine/playbook/load-playbook.js';
import { createTaskFileLoader } from '../../../src/engine/playbook/task-file-loader.js';
import type { Block, IncludeTasks, Play, Task, TaskNode } from '../../../src/engine/playbook/model.js';
import { testModules } from './test-modules.js';

const dir = resolve('test/fixtures/playbooks');
const book = loadPlaybook(join(dir, 'site.yml'), { modules: testModules() });
const web = book.plays[0]!;

function byName(nodes: readonly TaskNode[], name: string): TaskNode | undefined {
  for (const n of nodes) {
    if ('name' in n && n.name === name) return n;
    if (n.kind === 'block') {
      const found = byName([...n.block, ...n.rescue, ...n.always], name);
      if (found) return found;
    }
  }
  return undefined;
}

describe('loadPlaybook on the site fixture', () => {
  it('expands import_playbook in place, applying its tags', () => {
    expect(book.plays.map((p) => p.hosts)).toEqual(['web:&prod:!web3', 'db']);
    const db = book.plays[1]!;
    expect(db.tags).toEqual(['other']);
    expect(db.gatherFacts).toBe(false);
    expect(db.location.file).toBe(join(dir, 'other.yml'));
  });

  it('normalises play keywords', () => {
    expect(web.become).toBe(true);
    expect(web.gatherFacts).toBe(true);
    expect(web.serial).toEqual({ sizes: [{ hosts: 1 }, { percent: 30 }] });
    expect(web.strategy).toBe('free');
    expect(web.varsFiles).toEqual(['vars/common.yml', 'vars/{{ env }}.yml']);
    expect(web.location).toMatchObject({ file: join(dir, 'site.yml'), line: 2, column: 3 });
  });

  it('places role blocks at the start of tasks, with the entry keywords and role files loaded', () => {
    const [common, nginx] = web.tasks as Block[];
    expect(common).toMatchObject({ kind: 'block', role: { name: 'common' }, tags: [], when: [] });
    expect(nginx).toMatchObject({ kind: 'block', tags: ['nginx'], when: ['install_nginx'] });
    expect(nginx!.role).toMatchObject({
      name: 'nginx',
      dir: join(dir, 'roles/nginx'),
      defaults: { nginx_port: 8080, nginx_user: 'www-data' },
      vars: { nginx_conf_dir: '/etc/nginx' },
      params: { nginx_port: 80 },
    });
    expect(web.roles.map((r) => r.name)).toEqual(['common', 'nginx']);
    // meta dependency first, then the role's own tasks, then its import_tasks spliced in
    expect(nginx!.block.map((n) => ('name' in n ? n.name : n.kind))).toEqual(['base', 'Install nginx', 'Configure nginx', 'Start nginx']);
    const start = byName(nginx!.block, 'Start nginx') as Task;
    expect(start.role?.name).toBe('nginx');
    expect(start.location.file).toBe(join(dir, 'roles/nginx/tasks/service.yml'));
  });

  it('adds role handlers (main.yml or main.yaml) to the play handlers, once per role', () => {
    const names = web.handlers.map((h) => h.name);
    expect(names).toEqual(['common changed', 'restart nginx', 'restart web', 'Reload everything']);
    expect(web.handlers.find((h) => h.name === 'restart nginx')?.role?.name).toBe('nginx');
    expect(web.handlers.find((h) => h.name === 'Reload everything')?.listen).toEqual(['reload all']);
    expect(book.plays[1]!.handlers[0]?.listen).toEqual(['reload all']);
  });

  it('keeps tags and when on each node for the executor to accumulate', () => {
    const setup = byName(web.tasks, 'Setup') as Block;
    expect(setup).toMatchObject({ kind: 'block', tags: ['setup'], when: ['ansible_os_family == "Debian"'], becomeUser: 'root' });
    const install = setup.block[0] as Task;
    expect(install).toMatchObject({ module: 'apt', tags: ['packages'], notify: ['restart web'], loop: ['git', 'curl'] });
    expect(install.loopControl).toEqual({ loopVar: 'pkg', indexVar: 'i', label: '{{ pkg }}' });
    expect(setup.rescue[0]).toMatchObject({ kind: 'task', module: 'debug' });
    expect(setup.always[0]).toMatchObject({ kind: 'meta', action: 'flush_handlers' });
  });

  it('maps free-form strings to the free-form parameter, merging args:, and key=value for other modules', () => {
    expect(byName(web.tasks, 'List files')).toMatchObject({ module: 'command', args: { cmd: 'ls -l', chdir: '/tmp' } });
    expect(byName(web.tasks, 'Legacy form')).toMatchObject({ module: 'copy', args: { src: 'motd', dest: '/etc/motd', mode: '0644' } });
    expect(book.plays[1]!.tasks[0]).toMatchObject({ module: 'shell', args: { cmd: 'echo hello' } });
  });

  it('splices import_tasks, or wraps it in a block when the import sets keywords', () => {
    const own = web.tasks.slice(2);
    const names = own.map((n) => ('name' in n && n.name) || n.kind);
    expect(names.slice(0, 4)).toEqual(['Show port', 'List files', 'Legacy form', 'Setup']);
    expect(names.slice(4, 6)).toEqual(['Extra one', 'Extra two']);
    expect(own[6]).toMatchObject({ kind: 'block', tags: ['imported'], when: ['do_extra'] });
    expect((own[6] as Block).block.map((n) => (n as Task).name)).toEqual(['Extra one', 'Extra two']);
  });

  it('keeps include_tasks dynamic, with its base directory and loop', () => {
    const includes = web.tasks.filter((n): n is IncludeTasks => n.kind === 'include_tasks');
    expect(includes.map((i) => i.file)).toEqual(['tasks/{{ ansible_os_family }}.yml', 'tasks/dynamic.yml']);
    expect(includes[1]).toMatchObject({ baseDir: dir, loop: [1, 2], loopControl: { loopVar: 'round' } });
  });

  it('imports a role statically with tasks_from', () => {
    const imported = web.tasks.find((n) => n.kind === 'block' && n.tags.includes('common-other')) as Block;
    expect(imported.role?.name).toBe('common');
    expect(imported.block.map((n) => (n as Task).name)).toEqual(['Other common task']);
  });

  it('turns with_items into loop and parses numeric keywords', () => {
    const t = byName(web.tasks, 'Port from a template') as Task;
    expect(t).toMatchObject({ loop: ['a', 'b'], retries: 3, delay: 2, until: ['result is success'], register: 'result' });
    expect(t.args).toEqual({ verbosity: '{{ level }}' });
  });

  it('gives every task a location with a field path', () => {
    const t = byName(web.tasks, 'Show port') as Task;
    expect(t.location).toMatchObject({ file: join(dir, 'site.yml'), line: 23, column: 7, field: 'tasks[0]' });
  });
});

describe('loadPlaybook options', () => {
  it('reads files through the injected readYaml', () => {
    const seen: string[] = [];
    const pb = loadPlaybook('/virtual/play.yml', {
      modules: testModules(),
      readYaml: (f) => {
        seen.push(f);
        return [{ hosts: 'all', tasks: [{ debug: { msg: 'hi' } }] }];
      },
    });
    expect(seen).toEqual(['/virtual/play.yml']);
    expect((pb.plays[0] as Play).tasks[0]).toMatchObject({ module: 'debug', args: { msg: 'hi' }, location: { file: '/virtual/play.yml', field: 'tasks[0]' } });
  });
});

describe('createTaskFileLoader (include_tasks and vars_files at run time)', () => {
  const loader = createTaskFileLoader({ modules: testModules(), playbookDir: dir });
  const at = { file: join(dir, 'site.yml'), line: 1 };

  it('loads and validates an included task file', () => {
    const nodes = loader.loadTasks('tasks/dynamic.yml', dir, undefined, at);
    expect(nodes).toMatchObject([{ kind: 'task', name: 'Dynamic round', module: 'debug', location: { file: join(dir, 'tasks/dynamic.yml'), line: 1 } }]);
  });

  it('reports a missing file at the include', () => {
    expect(() => loader.loadTasks('tasks/nope.yml', dir, undefined, at)).toThrow(/include_tasks: file not found/);
  });

  it('loads vars files as mappings', () => {
    expect(loader.loadVars('vars/common.yml', dir, at)).toEqual({ ntp_server: 'time.example.com' });
  });
});

describe('templated keyword values', () => {
  const load = (play: Record<string, unknown>) => () => loadPlaybook('/virtual/t.yml', { modules: testModules(), readYaml: () => [play] });

  it('accepts templates where the model keeps strings (hosts, when, module args)', () => {
    expect(load({ hosts: '{{ target }}', tasks: [{ apt: { update_cache: '{{ refresh }}' }, when: '{{ c }}' }] })).not.toThrow();
  });

  it('reports a templated boolean keyword instead of silently dropping it', () => {
    expect(load({ hosts: 'all', become: '{{ b }}' })).toThrow(/expected a boolean \(true\/false, yes\/no\), got the string '\{\{ b \}\}'/);
  });
});
