/**
 * The registered result as text under a status line (`=> {...}`): JSON with
 * 4-space indent as Ansible's default callback, or YAML.
 */
import { stringify as toYaml } from 'yaml';

export type ResultFormat = 'json' | 'yaml';

/** Fields of a result that only repeat what the status line says. */
const BOOKKEEPING = new Set(['changed', 'failed', 'skipped', 'unreachable', 'invocation', 'diff']);

export function dumpResult(value: unknown, format: ResultFormat): string {
  if (format === 'yaml') return '\n' + indent(toYaml(value, { indent: 2 }).trimEnd(), '    ');
  const json = JSON.stringify(value, null, 4) as string | undefined;
  return json ?? 'null';
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

/**
 * What the `debug` module shows at default verbosity: its result without the
 * bookkeeping fields (`{"msg": ...}` or `{"var_name": value}`).
 */
export function debugPayload(result: Readonly<Record<string, unknown>>, msg: string | undefined): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(result)) if (!BOOKKEEPING.has(k) && !k.startsWith('_')) shown[k] = v;
  if (Object.keys(shown).length === 0 && msg !== undefined) shown['msg'] = msg;
  return shown;
}
