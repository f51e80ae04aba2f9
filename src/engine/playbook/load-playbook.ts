/**
 * `loadPlaybook(file, opts)`: reads a playbook, expands `import_playbook`,
 * loads roles and task files, and validates everything (keywords, modules,
 * module parameters, files, host patterns) before anything runs. All errors
 * are reported at once: a ValidationErrors (or the single ParseError), each
 * with file, line, column and field path.
 */
import { dirname, resolve } from 'node:path';
import { describeValue } from '../validate/describe.js';
import { isTemplated } from '../validate/deferred.js';
import { fieldPath, locate } from '../yaml/load.js';
import { describeChain, isFile } from './files.js';
import { isMapping, toTags, toVars, type RawMap } from './keywords.js';
import { LoadContext, where } from './load-context.js';
import type { LoadOptions } from './load-options.js';
import type { Play, Playbook } from './model.js';
import { buildPlay, type PlayContext } from './play.js';
import { ImportPlaybookSchema } from './schema/play.js';
import { checkKeywordExpressions } from './expressions.js';

export function loadPlaybook(file: string, opts: LoadOptions): Playbook {
  const ctx = new LoadContext(opts);
  const path = resolve(file);
  const plays = loadPlaybookFile(ctx, path, { file: path, playbookDir: dirname(path), chain: [] });
  ctx.throwIfErrors();
  return { file: path, plays };
}

function loadPlaybookFile(ctx: LoadContext, file: string, parent: PlayContext): Play[] {
  const read = ctx.read(file);
  if (!read) return [];
  const pc: PlayContext = { ...parent, file, chain: [...parent.chain, file] };
  const value = read.value;
  if (value === null || (Array.isArray(value) && value.length === 0)) {
    ctx.error('E_EMPTY_PLAYBOOK', 'the playbook has no plays', locate(value) ?? { file, line: 1, column: 1 }, 'a playbook is a list of plays: `- hosts: all` ...');
    return [];
  }
  if (!Array.isArray(value)) {
    const hint = isMapping(value) && 'hosts' in value ? 'put a `- ` before `hosts:` to make it a list of one play' : 'a playbook is a list of plays: `- hosts: all` ...';
    ctx.error('E_PLAYBOOK_NOT_LIST', `a playbook must be a list of plays, got ${describeValue(value)}`, locate(value) ?? { file, line: 1, column: 1 }, hint);
    return [];
  }
  return value.flatMap((entry, i) => {
    if (!isMapping(entry)) {
      ctx.error('E_TYPE', `expected a play (a mapping), got ${describeValue(entry)}`, { ...(locate(value, i) ?? { file }), field: fieldPath([i]) });
      return [];
    }
    if ('import_playbook' in entry) return importPlaybook(ctx, entry, pc, [i]);
    const play = buildPlay(ctx, entry, pc, []);
    return play ? [play] : [];
  });
}

function importPlaybook(ctx: LoadContext, entry: RawMap, pc: PlayContext, segments: (string | number)[]): Play[] {
  const valid = ctx.check(ImportPlaybookSchema, entry, pc.file, segments);
  checkKeywordExpressions(ctx, entry, pc.file, segments, ['import_playbook']);
  if (!valid) return [];
  const name = entry.import_playbook as string;
  const at = where(entry, ['import_playbook'], pc.file, segments);
  if (isTemplated(name)) {
    ctx.error('E_TEMPLATED_IMPORT', `import_playbook is static: its file name cannot be templated ('${name}')`, at);
    return [];
  }
  const path = resolve(dirname(pc.file), name);
  if (pc.chain.includes(path)) {
    const chain = [...pc.chain.slice(pc.chain.indexOf(path)), path];
    ctx.error('E_IMPORT_CYCLE', `import cycle: ${describeChain(chain, dirname(chain[0]!))}`, at);
    return [];
  }
  if (!isFile(path)) {
    ctx.error('E_FILE_NOT_FOUND', `import_playbook: file not found: ${path}`, at);
    return [];
  }
  const tags = toTags(entry.tags);
  const vars = toVars(entry.vars);
  return loadPlaybookFile(ctx, path, pc).map((play) => ({
    ...play,
    tags: [...new Set([...tags, ...play.tags])],
    vars: { ...vars, ...play.vars },
  }));
}
