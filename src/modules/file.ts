/**
 * file: makes a path be a file, directory, symlink, hard link or absent, with
 * the requested mode and ownership. `touch` reports a change on every run, as
 * Ansible does, unless both modification_time and access_time are `preserve`.
 */
import { defineModule, ModuleFailure, sh, Type, type FileInfo, type HostContext, type Plan } from '../engine/module.js';
import { attributeParams, requiredOneOf } from './support/schema.js';
import { applyAttributes, attributeChange, attributeResult, newPathMode, type AttributeSpec } from './support/attributes.js';
import { octalMode } from './support/mode.js';
import { parentDir, runOrFail } from './support/host-commands.js';
import { directoryEmpty, fileIdentity } from './probes/files.js';
import { recurseMismatches, stateOf, TIME_PATTERN, timesDiffer, touchCommands } from './support/file-state.js';

const states = ['file', 'directory', 'absent', 'link', 'hard', 'touch'] as const;
type Wanted = (typeof states)[number];

const timeParam = (what: string) =>
  Type.Optional(
    Type.String({
      pattern: TIME_PATTERN,
      description: `${what}: "now", "preserve" or a time as YYYYMMDDhhmm.ss. Default: "now" for state=touch, else "preserve" (only state=touch sets times).`,
    }),
  );

const params = Type.Object(
  {
    path: Type.Optional(Type.String({ minLength: 1, description: 'Path to manage (aliases: dest, name).' })),
    dest: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
    name: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
    state: Type.Optional(
      Type.Union(
        states.map((s) => Type.Literal(s)),
        {
          description:
            'file: only set attributes of an existing file. directory: create it with parents. absent: remove it (recursively). link/hard: symbolic/hard link to src. touch: create an empty file or update its times (changed on every run unless both times are "preserve"). Default: the current state, or file (directory with recurse).',
        },
      ),
    ),
    src: Type.Optional(Type.String({ description: 'Target of a link (state=link or hard). A relative symlink target is relative to the link\'s directory.' })),
    recurse: Type.Boolean({ default: false, description: 'state=directory: set mode/owner/group on everything below too (symlinks excepted).' }),
    force: Type.Boolean({
      default: false,
      description: 'state=link/hard: replace an existing file or empty directory at path, and allow a symlink to a src that does not exist (yet).',
    }),
    modification_time: timeParam('Modification time'),
    access_time: timeParam('Access time'),
    ...attributeParams,
  },
  {
    additionalProperties: false,
    allOf: [
      requiredOneOf('path', 'dest', 'name'),
      { if: { properties: { state: { enum: ['link', 'hard'] } }, required: ['state'] }, then: { required: ['src'] } },
    ],
  },
);

interface FileState {
  readonly path: string;
  readonly commands: readonly string[];
  readonly attributes?: { mode?: string | undefined; owner?: string | undefined; group?: string | undefined };
  readonly recurse: boolean;
  readonly isLink: boolean;
  readonly removed: boolean;
}

export default defineModule({
  name: 'file',
  description: 'Manages a path: file attributes, directories, symlinks and hard links, removal, touch.',
  params,
  async check(ctx, p): Promise<Plan<FileState>> {
    const path = (p.path ?? p.dest ?? p.name ?? '').replace(/(.)\/+$/, '$1');
    const info = await ctx.stat(path);
    const current = stateOf(info);
    const want: Wanted = p.state ?? (p.recurse ? 'directory' : current === 'absent' || current === 'other' ? 'file' : current);
    const attrs: AttributeSpec = { mode: p.mode, owner: p.owner, group: p.group };
    const commands: string[] = [];
    let attrInfo: FileInfo | null = info;
    let isLink = false;

    if (want === 'absent') {
      if (info) commands.push(sh`rm -rf ${path}`);
    } else if (want === 'file') {
      attrInfo = info?.type === 'link' ? await ctx.stat(path, { follow: true }) : info;
      if (!attrInfo) throw new ModuleFailure(`file (${path}) is absent, cannot continue`, { path, state: 'absent' });
      if (attrInfo.type !== 'file') throw new ModuleFailure(`file (${path}) is ${attrInfo.type}, cannot continue`, { path, state: attrInfo.type });
    } else if (want === 'directory') {
      attrInfo = info?.type === 'link' ? await ctx.stat(path, { follow: true }) : info;
      if (attrInfo && attrInfo.type !== 'directory') throw new ModuleFailure(`${path} already exists as a ${attrInfo.type}`, { path });
      if (!attrInfo) commands.push(sh`mkdir -p ${path}`);
    } else if (want === 'touch') {
      const mtime = p.modification_time ?? 'now';
      const atime = p.access_time ?? 'now';
      if (info?.type === 'directory' || !info || (await timesDiffer(ctx, info, mtime, atime))) {
        commands.push(...(!info && mtime === 'preserve' && atime === 'preserve' ? [sh`touch ${path}`] : touchCommands(path, mtime, atime)));
      }
    } else {
      isLink = want === 'link';
      commands.push(...(await planLink(ctx, path, info, p.src ?? '', want, p.force)));
      if (!commands.length) attrInfo = info;
      else attrInfo = null;
    }

    const exists = attrInfo !== null && want !== 'absent';
    const change = exists && attrInfo ? attributeChange(attrInfo, attrs) : null;
    const newAttrs = !exists && want !== 'absent' ? newPathAttributes(attrs, want === 'directory') : undefined;
    const recurseCount = want === 'directory' && p.recurse && attrInfo ? await recurseMismatches(ctx, path, attrs) : 0;
    const changed = commands.length > 0 || change !== null || recurseCount > 0;

    const after = want === 'hard' ? 'hard' : want === 'touch' ? 'file' : want;
    const before: Record<string, unknown> = { path, state: current, ...change?.before };
    const afterObj: Record<string, unknown> = { path, state: after, ...change?.after, ...(newAttrs?.mode ? { mode: newAttrs.mode } : {}) };
    if (want === 'link' || want === 'hard') afterObj.src = p.src;
    if (recurseCount) afterObj.recursed_entries = recurseCount;

    const result = {
      path,
      state: after,
      ...(attrInfo && want !== 'absent' ? attributeResult(attrInfo) : {}),
      ...change?.after,
      ...(newAttrs?.mode ? { mode: newAttrs.mode } : {}),
      ...(want === 'link' || want === 'hard' ? { src: p.src } : {}),
    };
    const attributes = change ?? newAttrs;
    const effectState = want === 'absent' ? 'absent' : want === 'directory' ? 'directory' : want === 'link' ? 'link' : 'file';
    if (!changed) return { changed: false, summary: `${path} is ${after}`, result };
    return {
      changed: true,
      effects: [
        {
          path,
          state: effectState,
          ...(want === 'touch' && !info ? { content: '' } : {}),
          ...(want === 'link' && p.src !== undefined ? { src: p.src } : {}),
          ...(newAttrs ?? {}),
          ...(change?.after ?? {}),
        },
      ],
      summary: `${path}: ${current} → ${after}${change ? ` (${Object.keys(change.after).join(', ')})` : ''}`,
      diff: [{ label: path, before, after: afterObj }],
      result,
      state: {
        path,
        commands,
        ...(recurseCount ? { attributes: { ...attributes, ...recursiveAttributes(attrs) } } : attributes ? { attributes } : {}),
        recurse: recurseCount > 0,
        isLink,
        removed: want === 'absent',
      },
    };
  },
  async apply(ctx, plan) {
    const s = plan.state;
    for (const c of s.commands) await runOrFail(ctx, c, c);
    if (s.attributes) await applyAttributes(ctx, s.path, s.attributes, { recurse: s.recurse, isLink: s.isLink });
    if (s.removed) return;
    const info = await ctx.stat(s.path, { follow: !s.isLink });
    return info ? { result: attributeResult(info) } : undefined;
  },
});

/** Attributes a new path gets; only those the task asks for. */
function newPathAttributes(spec: AttributeSpec, isDir: boolean): { mode?: string; owner?: string; group?: string } | undefined {
  if (spec.mode === undefined && spec.owner === undefined && spec.group === undefined) return undefined;
  return {
    ...(spec.mode !== undefined ? { mode: newPathMode(spec, isDir) } : {}),
    ...(spec.owner !== undefined ? { owner: spec.owner } : {}),
    ...(spec.group !== undefined ? { group: spec.group } : {}),
  };
}

/** For chmod -R: a numeric or octal mode in chmod's octal, a symbolic one passed through so each entry resolves it. */
function recursiveAttributes(spec: AttributeSpec): FileState['attributes'] {
  return { mode: spec.mode === undefined ? undefined : (octalMode(spec.mode) ?? String(spec.mode)), owner: spec.owner, group: spec.group };
}

/** Commands that make `path` a (sym or hard) link to src; none when it already is one. */
async function planLink(ctx: HostContext, path: string, info: FileInfo | null, src: string, kind: 'link' | 'hard', force: boolean): Promise<string[]> {
  const srcPath = kind === 'link' && !src.startsWith('/') ? `${parentDir(path)}/${src}` : src;
  if (kind === 'link' && info?.type === 'link' && info.linkTarget === src) return [];
  if (kind === 'hard' && info) {
    const [a, b] = [await ctx.probe(fileIdentity, path), await ctx.probe(fileIdentity, src)];
    if (a !== null && a === b) return [];
  }
  const srcExists = (await ctx.stat(srcPath, { follow: true }).catch(() => null)) !== null;
  if (!srcExists && (kind === 'hard' || !force)) {
    throw new ModuleFailure(`src file does not exist, use "force=yes" if you really want to create the link: ${srcPath}`, { path, src });
  }
  const create = kind === 'link' ? sh`ln -sfnT ${src} ${path}` : sh`ln -fT ${src} ${path}`;
  if (!info || info.type === 'link') return [create];
  if (!force) throw new ModuleFailure(`refusing to convert from ${info.type} to ${kind === 'link' ? 'symlink' : 'hard link'} for ${path}`, { path });
  if (info.type === 'directory') {
    if (!(await ctx.probe(directoryEmpty, path))) throw new ModuleFailure(`the directory ${path} is not empty, refusing to convert it`, { path });
    return [sh`rmdir ${path}`, create];
  }
  return [create];
}
