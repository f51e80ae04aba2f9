/**
 * The root variable names a template refers to, for reporting variables
 * defined nowhere before a run. Helper calls (a bare `{{list}}` is a variable), `this`, `@data` names and
 * names inside `#each`/`#with` bodies (which refer to the item) are left out;
 * `@root.x` and `../x` that climb back to the root count as `x`.
 */
import Handlebars from 'handlebars';
import { hasTemplate } from './lazy-vars.js';
import { walkPaths } from './template-ast.js';

export function templateVariables(text: string): string[] {
  if (!hasTemplate(text)) return [];
  const names = new Set<string>();
  walkPaths(Handlebars.parse(text), (use) => {
    const [head, second] = use.parts;
    if (use.asHelper) return;
    if (use.data) {
      if (head === 'root' && second !== undefined) names.add(second);
      return;
    }
    if (head === undefined || (use.scoped && use.blockDepth > 0)) return;
    if (use.blockParams.includes(head)) return;
    if (use.depth < use.blockDepth) return;
    names.add(head);
  });
  return [...names];
}
