/** The root variable names a condition refers to (not filter or test names, not literals). */
import type { Node } from './parse.js';
import { parseExpression } from './parse.js';

export function conditionVariables(expr: string | boolean): string[] {
  if (typeof expr === 'boolean') return [];
  const text = expr.trim().replace(/^\{\{([\s\S]*)\}\}$/, '$1');
  const names = new Set<string>();
  const walk = (n: Node | undefined): void => {
    if (!n) return;
    switch (n.type) {
      case 'Identifier':
        names.add(n.name as string);
        return;
      case 'MemberExpression':
        walk(n.object as Node);
        if (n.computed) walk(n.property as Node);
        return;
      case 'ArrayExpression':
        (n.elements as Node[]).forEach(walk);
        return;
      case 'UnaryExpression':
        walk(n.argument as Node);
        return;
      case 'BinaryExpression':
        walk(n.left as Node);
        if (n.operator === 'is') return;
        if (n.operator === '|') {
          const r = n.right as Node;
          if (r.type === 'CallExpression') (r.arguments as Node[]).forEach(walk);
          return;
        }
        walk(n.right as Node);
        return;
    }
  };
  walk(parseExpression(text));
  return [...names];
}
