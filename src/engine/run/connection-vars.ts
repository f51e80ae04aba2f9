/**
 * Connection variables (`tsplay_*`, `ansible_*`) may be templates, such as
 * `tsplay_http_password: "{{ vault_nsx_password }}"` or
 * `tsplay_host: "{{ node_ip }}"`. They are rendered against the host's
 * variables before the connection settings are read; a vaulted value stays
 * a Secret (a single `{{ expr }}` keeps its value's type).
 */
import type { Vars } from '../vars/precedence.js';
import type { TemplateEngine } from './run-context.js';

const CONNECTION_VAR = /^(tsplay|ansible)_/;

export function renderConnectionVars(templates: TemplateEngine, vars: Vars): Vars {
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(vars)) {
    if (!CONNECTION_VAR.test(k) || typeof v !== 'string' || !v.includes('{{')) continue;
    out ??= { ...vars };
    out[k] = templates.render(v, vars);
  }
  return (out as Vars | undefined) ?? vars;
}
