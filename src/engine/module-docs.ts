/**
 * Module documentation generated from the parameter schemas: the single source
 * of truth for `tsplay modules` and docs/modules.md.
 */
import type { TSchema } from '@sinclair/typebox';
import type { AnyModule } from './module.js';

export interface ParamDoc {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly default?: unknown;
  readonly choices?: readonly unknown[];
  readonly description: string;
}

export interface ModuleDoc {
  readonly name: string;
  readonly description: string;
  readonly origin: string;
  readonly freeForm?: string;
  readonly params: readonly ParamDoc[];
}

export function moduleDoc(mod: AnyModule, origin: string): ModuleDoc {
  const schema = mod.params as TSchema & { properties?: Record<string, TSchema>; required?: string[] };
  const required = new Set(schema.required ?? []);
  const params = Object.entries(schema.properties ?? {})
    .filter(([name]) => !name.startsWith('_'))
    .map(([name, p]): ParamDoc => {
      const choices = enumOf(p);
      return {
        name,
        type: typeName(p),
        // a parameter with a default need not be given, whatever the schema's `required` says
        required: required.has(name) && p.default === undefined,
        ...(p.default !== undefined ? { default: p.default } : {}),
        ...(choices ? { choices } : {}),
        description: p.description ?? '',
      };
    });
  return {
    name: mod.name,
    description: mod.description,
    origin,
    ...(mod.freeForm ? { freeForm: mod.freeForm } : {}),
    params,
  };
}

function enumOf(p: TSchema): unknown[] | undefined {
  if (Array.isArray(p.enum)) return p.enum as unknown[];
  const alts = (p.anyOf ?? p.oneOf) as TSchema[] | undefined;
  if (alts && alts.every((a) => a.const !== undefined)) return alts.map((a) => a.const as unknown);
  return undefined;
}

export function typeName(p: TSchema): string {
  if (enumOf(p)) return 'choice';
  const alts = (p.anyOf ?? p.oneOf) as TSchema[] | undefined;
  if (alts) return [...new Set(alts.map(typeName))].join(' | ');
  if (p.type === 'array') return `list of ${p.items ? typeName(p.items as TSchema) : 'any'}`;
  if (Array.isArray(p.type)) return (p.type as string[]).join(' | ');
  if (typeof p.type === 'string') return p.type === 'object' ? 'dict' : p.type;
  return 'any';
}

export function formatModuleText(d: ModuleDoc): string {
  const lines = [`${d.name}  (${d.origin})`, `  ${d.description}`];
  if (d.freeForm) lines.push(`  free form: \`${d.name}: ...\` sets '${d.freeForm}'`);
  for (const p of d.params) {
    const extra = [
      p.required ? 'required' : undefined,
      p.default !== undefined ? `default ${JSON.stringify(p.default)}` : undefined,
      p.choices ? `one of ${p.choices.map((c) => JSON.stringify(c)).join(', ')}` : undefined,
    ].filter(Boolean);
    lines.push(`  - ${p.name} (${p.type}${extra.length ? `; ${extra.join('; ')}` : ''}): ${p.description}`);
  }
  return lines.join('\n');
}

export function formatModulesMarkdown(docs: readonly ModuleDoc[]): string {
  const out = ['# Modules', '', 'Generated from the modules\' parameter schemas by `tsplay modules --markdown`; do not edit by hand.', ''];
  for (const d of docs) {
    out.push(`## ${d.name}`, '', d.description, '');
    if (d.freeForm) out.push(`Free form: \`${d.name}: ...\` sets \`${d.freeForm}\`.`, '');
    if (d.params.length) {
      out.push('| parameter | type | required | default | description |', '|---|---|---|---|---|');
      for (const p of d.params) {
        const type = p.choices ? p.choices.map((c) => `\`${String(c)}\``).join(', ') : p.type;
        const def = p.default !== undefined ? `\`${JSON.stringify(p.default)}\`` : '';
        const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
        out.push(`| \`${p.name}\` | ${cell(type)} | ${p.required ? 'yes' : ''} | ${cell(def)} | ${cell(p.description)} |`);
      }
      out.push('');
    }
  }
  return `${out.join('\n')}\n`;
}
