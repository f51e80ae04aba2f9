/**
 * blockinfile: keeps a block of lines between two marker lines in a text
 * file. The default marker is Ansible's ("# {mark} ANSIBLE MANAGED BLOCK"),
 * so blocks Ansible wrote are recognised and not duplicated.
 */
import { defineModule, Type, type Plan } from '../engine/module.js';
import { attributeParams, backupParam, mutuallyExclusive, requiredOneOf, validateParam } from './support/schema.js';
import { applyContentWrite, type ContentWriteState } from './support/content-write.js';
import { planTextWrite, readTextFile } from './support/text-edit.js';
import { editBlock } from './support/block-edit.js';

const params = Type.Object(
  {
    path: Type.Optional(Type.String({ minLength: 1, description: 'The file to edit (aliases: dest, destfile, name).' })),
    dest: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
    destfile: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
    name: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
    block: Type.String({ default: '', description: 'The text to keep between the markers. Empty: the block is removed (as state=absent).' }),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'Whether the block should be there or not.' }),
    marker: Type.String({
      default: '# {mark} ANSIBLE MANAGED BLOCK',
      description:
        "Marker line template; {mark} becomes marker_begin or marker_end. The default is Ansible's, so blocks Ansible already manages on a host are found and kept. Use a different marker per block in one file.",
    }),
    marker_begin: Type.String({ default: 'BEGIN', description: 'Replaces {mark} in the opening marker.' }),
    marker_end: Type.String({ default: 'END', description: 'Replaces {mark} in the closing marker.' }),
    insertafter: Type.Optional(Type.String({ description: 'Without existing markers: insert after the last line matching this regular expression, or EOF (the default).' })),
    insertbefore: Type.Optional(Type.String({ description: 'Without existing markers: insert before the last line matching this regular expression, or BOF.' })),
    create: Type.Boolean({ default: false, description: 'Create the file when missing, with any missing parent directories.' }),
    ...attributeParams,
    ...backupParam,
    ...validateParam,
  },
  { additionalProperties: false, allOf: [requiredOneOf('path', 'dest', 'destfile', 'name'), mutuallyExclusive(['insertafter', 'insertbefore'])] },
);

export default defineModule({
  name: 'blockinfile',
  description: 'Inserts, updates or removes a block of lines between marker lines in a text file.',
  params,
  async check(ctx, p): Promise<Plan<ContentWriteState>> {
    const path = p.path ?? p.dest ?? p.destfile ?? p.name ?? '';
    const present = p.state === 'present';
    const file = await readTextFile(ctx, path, { create: p.create && present, mustExist: present });
    if (file.text === null && !(p.create && present)) return { changed: false, summary: `${path}: file not present`, result: { path, msg: '' } };
    const edit = editBlock(file.text ?? '', {
      block: p.block,
      present,
      marker: p.marker,
      markerBegin: p.marker_begin,
      markerEnd: p.marker_end,
      insertafter: p.insertafter,
      insertbefore: p.insertbefore,
    });
    const msg = file.text === null ? 'File created' : edit.msg;
    const plan = await planTextWrite(ctx, file, edit.text, { attributes: { mode: p.mode, owner: p.owner, group: p.group }, backup: p.backup, validate: p.validate }, msg);
    return { ...plan, result: { ...plan.result, path: file.path } };
  },
  async apply(ctx, plan) {
    return { result: await applyContentWrite(ctx, plan.state) };
  },
});
