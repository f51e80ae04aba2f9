/**
 * Dependencies point one way (CLI → engine → transports), so src/ has no
 * import cycles: no file imports, through any chain, a file that imports it
 * back. Type-only imports count too (they are where a cycle starts). The
 * exceptions are recursions of the domain itself, each named below: cutting
 * them would mean passing functions around only to please this test.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Strongly connected groups of files that may import each other. */
const ALLOWED: readonly (readonly string[])[] = [
  // a task list imports roles and task files, which hold task lists (and a role's handlers)
  ['engine/playbook/handlers.ts', 'engine/playbook/role-entries.ts', 'engine/playbook/roles.ts', 'engine/playbook/task-files.ts', 'engine/playbook/task-list.ts'],
  // a task list may flush handlers (meta: flush_handlers), and handlers are tasks
  ['engine/run/handlers.ts', 'engine/run/node-runner.ts'],
  // module.ts is the API modules import, probe.ts among it; a probe's parser reads module.ts's CommandResult (a type)
  ['engine/module.ts', 'engine/probe.ts'],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The files of src/ a file imports (static, dynamic and re-exports), `.js` specifiers resolved to their `.ts` source. */
function importsOf(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out = new Set<string>();
  const add = (spec: string): void => {
    if (!spec.startsWith('.')) return;
    const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    const index = join(target.replace(/\.ts$/, ''), 'index.ts');
    if (existsSync(target)) out.add(target);
    else if (existsSync(index)) out.add(index);
  };
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) add(n.moduleSpecifier.text);
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) add(n.arguments[0].text);
    n.forEachChild(visit);
  };
  visit(sf);
  return [...out];
}

/** Tarjan: the groups of two or more files that reach each other (a file importing itself is a group of one). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w === undefined) break;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || graph.get(v)?.includes(v)) found.push(group);
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return found;
}

it('src/ has no import cycles but the recursions named in ALLOWED', () => {
  const graph = new Map(sourceFiles(SRC).map((f) => [f, importsOf(f)] as const));
  expect(graph.size).toBeGreaterThan(100);
  const groups = cycles(graph).map((g) => g.map((f) => relative(SRC, f)).sort());
  const unexpected = groups.filter((g) => !ALLOWED.some((a) => g.every((f) => a.includes(f))));
  expect(unexpected).toEqual([]);
});
