/**
 * A structured diff of two objects, one line per changed path:
 *
 *   + spec.rules[2]: {"port":443}     added
 *   - metadata.labels.old: "x"        removed
 *   ~ spec.replicas: 2 → 3            changed
 */
import microdiff, { type Difference } from 'microdiff';

type Tree = Readonly<Record<string, unknown>> | readonly unknown[];

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** `spec.rules[2]`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

export function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  // JSON has nothing for a function or a symbol: their own text then
  const json = JSON.stringify(value) as string | undefined;
  return json ?? (value as symbol).toString();
}

function line(d: Difference): string {
  const path = formatPath(d.path);
  switch (d.type) {
    case 'CREATE':
      return `+ ${path}: ${formatValue(d.value)}`;
    case 'REMOVE':
      return `- ${path}: ${formatValue(d.oldValue)}`;
    case 'CHANGE':
      return `~ ${path}: ${formatValue(d.oldValue)} → ${formatValue(d.value)}`;
  }
}

export function objectDiffLines(before: Tree, after: Tree): string[] {
  // microdiff's types take mutable containers; it only reads them.
  return microdiff(before as Record<string, unknown>, after as Record<string, unknown>).map(line);
}
