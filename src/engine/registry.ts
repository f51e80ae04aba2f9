/**
 * The module registry: built-in modules plus a project's own modules from
 * `modules/*.ts` (or .js/.mjs) beside the playbook or at the project root,
 * loaded at run time without a build step (TypeScript compiled once by
 * esbuild and cached in `.tsplay-cache/`, see project-modules/compile-cache.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyModule } from './module.js';
import { ParseError } from './errors.js';
import { importTypeScriptModule, ModuleCompileError } from './project-modules/compile-cache.js';

/** `ansible.builtin.copy`, `tsplay.builtin.copy` → `copy` */
export function normaliseModuleName(name: string): string {
  const m = /^(?:ansible\.(?:builtin|legacy)|tsplay\.builtin)\.(.+)$/.exec(name);
  return m?.[1] ?? name;
}

export class ModuleRegistry {
  readonly #modules = new Map<string, AnyModule>();
  readonly #origin = new Map<string, string>();
  readonly #aliases = new Map<string, string>();

  constructor(builtins: Readonly<Record<string, AnyModule>>, aliases: Readonly<Record<string, string>> = {}) {
    for (const [name, mod] of Object.entries(builtins)) {
      this.#modules.set(name, mod);
      this.#origin.set(name, 'built-in');
    }
    for (const [alias, target] of Object.entries(aliases)) this.#aliases.set(alias, target);
  }

  get(name: string): AnyModule | undefined {
    const n = normaliseModuleName(name);
    return this.#modules.get(this.#aliases.get(n) ?? n);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** 'built-in', the file a project module came from, or undefined for an unknown module */
  origin(name: string): string | undefined {
    const mod = this.get(name);
    return mod ? this.#origin.get(mod.name) : undefined;
  }

  /** every name a task may use, aliases included */
  names(): string[] {
    return [...this.#modules.keys(), ...this.#aliases.keys()].sort();
  }

  /** canonical modules with where they come from ('built-in' or a file) */
  entries(): { name: string; module: AnyModule; origin: string }[] {
    return [...this.#modules.entries()]
      .map(([name, module]) => ({ name, module, origin: this.#origin.get(name) ?? '' }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  add(mod: AnyModule, origin: string): void {
    const existing = this.#origin.get(mod.name);
    if (existing) {
      throw new ParseError('E_MODULE_CONFLICT', `module '${mod.name}' from ${origin} clashes with the ${existing} module of the same name`, {
        location: { file: origin },
        hint: 'rename the project module',
      });
    }
    this.#modules.set(mod.name, mod);
    this.#origin.set(mod.name, origin);
  }

  /** Loads `modules/` from each directory (deduplicated), in order. */
  async loadProjectModules(dirs: readonly string[]): Promise<void> {
    const seen = new Set<string>();
    for (const dir of dirs) {
      const modDir = resolve(dir, 'modules');
      if (seen.has(modDir) || !existsSync(modDir)) continue;
      seen.add(modDir);
      const files = readdirSync(modDir)
        .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') && !/\.test\./.test(f))
        .sort();
      for (const f of files) this.add(await loadModuleFile(join(modDir, f)), join(modDir, f));
    }
  }
}

async function loadModuleFile(file: string): Promise<AnyModule> {
  let exported: unknown;
  try {
    const ns = /\.m?ts$/.test(file)
      ? await importTypeScriptModule(file)
      : ((await import(pathToFileURL(file).href)) as Record<string, unknown>);
    exported = ns.default;
  } catch (e) {
    if (e instanceof ModuleCompileError) {
      throw new ParseError('E_MODULE_LOAD', `cannot compile project module: ${e.message}`, {
        location: { file: e.file, ...(e.line !== undefined ? { line: e.line } : {}), ...(e.column !== undefined ? { column: e.column } : {}) },
        cause: e,
      });
    }
    throw new ParseError('E_MODULE_LOAD', `cannot load project module: ${(e as Error).message.split('\n')[0]}`, {
      location: { file },
      cause: e,
    });
  }
  const problems = contractProblems(exported);
  if (problems.length) {
    throw new ParseError('E_MODULE_INVALID', `not a tsplay module: ${problems.join('; ')}`, {
      location: { file },
      hint: "export default defineModule({ name, description, params: Type.Object({...}), check, apply }) from 'tsplay'",
    });
  }
  return exported as AnyModule;
}

/** The same contract built-ins satisfy, checked for project modules at load time. */
export function contractProblems(m: unknown): string[] {
  if (typeof m !== 'object' || m === null) return ['the default export must be the object defineModule() returns'];
  const o = m as Record<string, unknown>;
  const out: string[] = [];
  if (typeof o.name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(o.name)) out.push("'name' must be a lower_snake_case string");
  if (typeof o.description !== 'string' || !o.description) out.push("'description' must be a non-empty string");
  const params = o.params as Record<string, unknown> | null | undefined;
  if (typeof params !== 'object' || params === null || params.type !== 'object') out.push("'params' must be a Type.Object(...) schema");
  if (typeof o.check !== 'function') out.push("'check' must be a function");
  if (o.apply !== undefined && typeof o.apply !== 'function') out.push("'apply' must be a function when given");
  if (o.freeForm !== undefined && typeof o.freeForm !== 'string') out.push("'freeForm' must be a parameter name");
  if (o.uses !== undefined && o.uses !== 'shell' && o.uses !== 'http' && o.uses !== 'kubernetes') out.push("'uses' must be 'shell', 'http' or 'kubernetes'");
  return out;
}
