/**
 * PyYAML as a reference: reads `a: <text>` for each text with
 * `yaml.safe_load` and, where ansible-core is importable, with Ansible's own
 * AnsibleLoader, and says what Python got: the type's name and the value
 * (ints as decimal text, so big ones stay exact; floats by repr).
 *
 * The interpreter is Debian's /usr/bin/python3 (the one ansible-playbook runs
 * on) when it has PyYAML, else `python3` from PATH; none at all → undefined.
 */
import { spawnSync } from 'node:child_process';

export type PyType = 'int' | 'float' | 'str' | 'bool' | 'NoneType' | 'date' | 'datetime' | 'error';

export interface PyValue {
  readonly type: PyType;
  /** ints: decimal text; floats: repr ('inf', 'nan', '1000.0'); str: itself; bool: 'True'/'False'; error: the exception class */
  readonly repr: string;
}

export interface PyResults {
  readonly python: string;
  readonly safeLoad: readonly PyValue[];
  /** undefined when ansible-core is not importable by that interpreter */
  readonly ansibleLoader?: readonly PyValue[];
}

const SCRIPT = String.raw`
import json, sys, datetime
import yaml
try:
    from ansible.parsing.yaml.loader import AnsibleLoader
except Exception:
    AnsibleLoader = None

def describe(v):
    if isinstance(v, bool): return {'type': 'bool', 'repr': repr(v)}
    if v is None: return {'type': 'NoneType', 'repr': 'None'}
    if isinstance(v, int): return {'type': 'int', 'repr': str(v)}
    if isinstance(v, float): return {'type': 'float', 'repr': repr(v)}
    if isinstance(v, datetime.datetime): return {'type': 'datetime', 'repr': v.isoformat()}
    if isinstance(v, datetime.date): return {'type': 'date', 'repr': v.isoformat()}
    if isinstance(v, str): return {'type': 'str', 'repr': str(v)}
    return {'type': type(v).__name__, 'repr': repr(v)}

def read(load, text):
    try:
        return describe(load('a: ' + text)['a'])
    except Exception as e:
        return {'type': 'error', 'repr': type(e).__name__}

texts = json.load(sys.stdin)
out = {'safeLoad': [read(yaml.safe_load, t) for t in texts]}
if AnsibleLoader is not None:
    out['ansibleLoader'] = [read(lambda s: AnsibleLoader(s).get_single_data(), t) for t in texts]
print(json.dumps(out))
`;

function hasPyYaml(python: string): boolean {
  return spawnSync(python, ['-c', 'import yaml'], { stdio: 'ignore' }).status === 0;
}

export const PYTHON: string | undefined = ['/usr/bin/python3', 'python3'].find(hasPyYaml);

export function pyyamlRead(texts: readonly string[]): PyResults | undefined {
  if (!PYTHON) return undefined;
  const r = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(texts), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${PYTHON} failed: ${r.stderr}`);
  return { python: PYTHON, ...(JSON.parse(r.stdout) as Omit<PyResults, 'python'>) };
}
