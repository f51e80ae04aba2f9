/**
 * The objects a k8s task declares, from `definition` (inline: one object, a
 * list, or YAML text with several documents), `src` (a file, a multi-document
 * file, or a directory of .yaml/.yml/.json files, in name order) or
 * `template` (a Handlebars template rendered with the host's variables, then
 * read as YAML). Each object keeps where it was written, so an error names the
 * manifest's file and line.
 *
 * Order: Namespaces first, then CustomResourceDefinitions, then the rest as
 * written, so an object's namespace and kind exist before it is applied.
 */
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModuleFailure, type HostContext, type KubeObject, type SourceLocation } from '../../../engine/module.js';

export interface Manifest {
  readonly object: KubeObject;
  readonly where: SourceLocation | undefined;
}

export interface ManifestSources {
  readonly definition?: unknown;
  readonly src?: string;
  readonly template?: string;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/;

export async function readManifests(ctx: HostContext, p: ManifestSources): Promise<Manifest[]> {
  const raw: { value: unknown; where: SourceLocation | undefined }[] = [];
  if (p.definition !== undefined) {
    if (typeof p.definition === 'string') raw.push(...ctx.controller.parseYaml(p.definition, 'definition'));
    else if (Array.isArray(p.definition)) for (const d of p.definition) raw.push({ value: d, where: ctx.controller.locate(d) });
    else raw.push({ value: p.definition, where: ctx.controller.locate(p.definition) });
  }
  if (p.src !== undefined) {
    const path = ctx.controller.resolve(p.src, 'files');
    const files = statSync(path).isDirectory()
      ? readdirSync(path).filter((f) => MANIFEST_FILE.test(f)).sort().map((f) => join(path, f))
      : [path];
    for (const f of files) raw.push(...ctx.controller.parseYaml(await readText(f), f));
  }
  if (p.template !== undefined) {
    const path = ctx.controller.resolve(p.template, 'templates');
    raw.push(...ctx.controller.parseYaml(ctx.render(await readText(path)), path));
  }
  const out: Manifest[] = [];
  for (const r of raw) {
    // an empty document (`---` at the end) or a List
    if (r.value === null || r.value === undefined) continue;
    for (const value of listItems(r.value)) out.push({ object: checked(value, r.where), where: r.where });
  }
  if (out.length === 0) throw new ModuleFailure('no objects: give definition, src or template with at least one Kubernetes object');
  return ordered(out);
}

function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** A `kind: List` (what `kubectl get -o yaml` prints) stands for its items. */
function listItems(value: unknown): unknown[] {
  if (value && typeof value === 'object' && (value as { kind?: unknown }).kind === 'List' && Array.isArray((value as { items?: unknown }).items)) {
    return (value as { items: unknown[] }).items;
  }
  return [value];
}

function checked(value: unknown, where: SourceLocation | undefined): KubeObject {
  const at = where ? ` (${where.file}${where.line !== undefined ? `:${where.line}` : ''})` : '';
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ModuleFailure(`a Kubernetes object must be a mapping${at}`);
  const o = value as Record<string, unknown>;
  if (typeof o.apiVersion !== 'string' || !o.apiVersion) throw new ModuleFailure(`object without apiVersion${at}`);
  if (typeof o.kind !== 'string' || !o.kind) throw new ModuleFailure(`object without kind${at}`);
  const meta = o.metadata;
  if (!meta || typeof meta !== 'object' || typeof (meta as { name?: unknown }).name !== 'string' || !(meta as { name: string }).name) {
    throw new ModuleFailure(`${o.kind} without metadata.name${at} (server-side apply needs a name; generateName cannot be applied)`);
  }
  const m = meta as Record<string, unknown>;
  // the default namespace is filled in later, once discovery says whether the kind is namespaced
  return { ...o, metadata: { ...m } } as KubeObject;
}

const FIRST: Readonly<Record<string, number>> = { Namespace: 0, CustomResourceDefinition: 1 };

function ordered(list: Manifest[]): Manifest[] {
  return list.map((m, i) => ({ m, i })).sort((a, b) => (FIRST[a.m.object.kind] ?? 2) - (FIRST[b.m.object.kind] ?? 2) || a.i - b.i).map((x) => x.m);
}

/** `Deployment metallb-system/controller (manifests/metallb.yaml:12)` */
export function describeManifest(m: Manifest): string {
  const o = m.object;
  const where = m.where ? ` (${m.where.file}${m.where.line !== undefined ? `:${m.where.line}` : ''})` : '';
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name ?? '?'}${where}`;
}
