/**
 * template: renders a Handlebars template from the control machine with the
 * host's variables and puts the result at `dest`, exactly as copy puts
 * content (same checksum idempotency, attributes, backup and validate).
 */
import { defineModule, ModuleFailure, TsplayError, Type, type Plan } from '../engine/module.js';
import { readFile } from 'node:fs/promises';
import { attributeParams, backupParam, validateParam } from './support/schema.js';
import { applyFileSet, planFileSet, type FileSetState } from './support/file-set.js';
import { resolveSource } from './support/controller-source.js';
import { destFor } from './support/dest-path.js';

const params = Type.Object(
  {
    src: Type.String({ minLength: 1, description: "Handlebars template on the control machine (looked up in the role's templates/, then beside the playbook)." }),
    dest: Type.String({ minLength: 1, description: 'Path on the host to write the rendered template to. If it ends with "/" or is an existing directory, the file goes inside it as basename(src).' }),
    force: Type.Boolean({ default: true, description: 'Replace dest when its content differs. false: only create dest if it does not exist.' }),
    follow: Type.Boolean({ default: false, description: 'If dest is a symlink, write to the file it points to instead of replacing the link.' }),
    ...attributeParams,
    ...backupParam,
    ...validateParam,
  },
  { additionalProperties: false },
);

export default defineModule({
  name: 'template',
  description: 'Renders a Handlebars template with the host\'s variables and writes it to the host, idempotent by checksum.',
  params,
  async check(ctx, p): Promise<Plan<FileSetState>> {
    const local = resolveSource(ctx, p.src, 'templates');
    const text = (await readFile(local)).toString('utf8');
    let rendered: string;
    try {
      rendered = ctx.render(text);
    } catch (e) {
      if (TsplayError.isInstance(e)) throw e;
      throw new ModuleFailure(`template '${p.src}' failed to render: ${e instanceof Error ? e.message : String(e)}`, { src: p.src });
    }
    const dest = await destFor(ctx, p.dest, p.src);
    const plan = await planFileSet(ctx, [], [
      { dest, content: Buffer.from(rendered), attributes: { mode: p.mode, owner: p.owner, group: p.group }, backup: p.backup, validate: p.validate, force: p.force, follow: p.follow },
    ]);
    return { ...plan, result: { ...plan.result, src: p.src } };
  },
  async apply(ctx, plan) {
    return { result: await applyFileSet(ctx, plan.state, true) };
  },
});
