/**
 * lineinfile: makes sure one line is in a text file (or absent), replacing the
 * line a regexp or search string matches. Ansible's rules, case for case: the
 * last match is replaced (`firstmatch` for the first); with no match the line
 * is inserted per insertafter/insertbefore (default: end of file); with
 * `backrefs` and no match nothing changes.
 */
import { defineModule, Type, type Plan } from '../engine/module.js';
import { attributeParams, backupParam, mutuallyExclusive, requiredOneOf, validateParam } from './support/schema.js';
import { applyContentWrite, type ContentWriteState } from './support/content-write.js';
import { planTextWrite, readTextFile } from './support/text-edit.js';
import { presentLines, absentLines, type LineEdit } from './support/line-edit.js';

const pathAliases = ['path', 'dest', 'destfile', 'name'] as const;

const params = Type.Object(
  {
    path: Type.Optional(Type.String({ minLength: 1, description: 'The file to edit (aliases: dest, destfile, name).' })),
    dest: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
    destfile: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
    name: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
    line: Type.Optional(Type.String({ description: 'The line to insert or replace with. Required for state=present. With backrefs, may use \\1 or \\g<name>.' })),
    regexp: Type.Optional(
      Type.String({
        description:
          'Regular expression (Python syntax accepted) looked for in every line. state=present: the last matching line is replaced (the first with firstmatch). state=absent: every matching line is removed.',
      }),
    ),
    search_string: Type.Optional(Type.String({ description: 'Literal string looked for in every line; like regexp, without regular-expression meaning.' })),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'Whether the line should be there or not.' }),
    insertafter: Type.Optional(
      Type.String({ description: 'When regexp/search_string matches nothing: insert after the last line matching this regular expression, or EOF (the default) / BOF.' }),
    ),
    insertbefore: Type.Optional(Type.String({ description: 'When regexp/search_string matches nothing: insert before the last line matching this regular expression, or BOF.' })),
    create: Type.Boolean({ default: false, description: 'Create the file when missing (state=present), with any missing parent directories; otherwise a missing file fails.' }),
    backrefs: Type.Boolean({
      default: false,
      description: 'Expand regexp groups in line. If regexp matches nothing the file is left unchanged (the line is not inserted).',
    }),
    firstmatch: Type.Boolean({ default: false, description: 'Use the first line matching regexp/insertafter/insertbefore instead of the last.' }),
    ...attributeParams,
    ...backupParam,
    ...validateParam,
  },
  {
    additionalProperties: false,
    allOf: [
      requiredOneOf(...pathAliases),
      mutuallyExclusive(['insertafter', 'insertbefore'], ['regexp', 'search_string'], ['backrefs', 'search_string']),
      { if: { properties: { state: { const: 'present' } } }, then: { required: ['line'] } },
      { if: { properties: { backrefs: { const: true } }, required: ['backrefs'] }, then: { required: ['regexp'] } },
      { if: { properties: { state: { const: 'absent' } }, required: ['state'] }, then: requiredOneOf('line', 'regexp', 'search_string') },
    ],
  },
);

export default defineModule({
  name: 'lineinfile',
  description: 'Ensures a particular line is in a text file (or not), replacing a matched line, with Ansible\'s lineinfile semantics.',
  params,
  async check(ctx, p): Promise<Plan<ContentWriteState>> {
    const path = p.path ?? p.dest ?? p.destfile ?? p.name ?? '';
    const file = await readTextFile(ctx, path, { create: p.create && p.state === 'present', mustExist: p.state === 'present' });
    if (file.text === null && p.state === 'absent') return { changed: false, summary: `${path}: file not present`, result: { path, msg: 'file not present' } };
    const edit: LineEdit =
      p.state === 'present'
        ? presentLines(file.text ?? '', {
            line: p.line ?? '',
            regexp: p.regexp,
            searchString: p.search_string,
            insertafter: p.insertafter,
            insertbefore: p.insertbefore,
            backrefs: p.backrefs,
            firstmatch: p.firstmatch,
          })
        : absentLines(file.text ?? '', { line: p.line, regexp: p.regexp, searchString: p.search_string });
    const msg = file.text === null && edit.msg ? `${edit.msg} (file created)` : edit.msg;
    const plan = await planTextWrite(ctx, file, edit.text, { attributes: { mode: p.mode, owner: p.owner, group: p.group }, backup: p.backup, validate: p.validate }, msg);
    return { ...plan, result: { ...plan.result, path: file.path, ...(edit.found !== undefined ? { found: edit.found } : {}) } };
  },
  async apply(ctx, plan) {
    const out = await applyContentWrite(ctx, plan.state);
    return { result: { ...out, ...(out.backup_file ? { backup: out.backup_file } : {}) } };
  },
});
