/**
 * What a `tsplay PLAYBOOK...` invocation asks for: the CLI's flags as data,
 * and the defaults of what it leaves out. Its own file so that the front door
 * (run-playbooks.ts) and the parts of the run it calls can all import it.
 */
export interface PlaybookRunRequest {
  readonly playbooks: readonly string[];
  readonly inventories: readonly string[];
  readonly extraVars: readonly string[];
  readonly check: boolean;
  readonly diff: boolean;
  readonly tags: readonly string[];
  readonly skipTags: readonly string[];
  readonly limit?: string;
  readonly startAtTask?: string;
  readonly mode: 'run' | 'syntax-check' | 'list-hosts' | 'list-tasks' | 'list-tags';
  readonly forks?: number;
  readonly verbosity: number;
  readonly json: boolean;
  readonly junit?: string;
  readonly profile: boolean;
  readonly vaultPasswordFiles: readonly string[];
  readonly vaultIds: readonly string[];
  readonly askVaultPass: boolean;
  readonly become?: boolean;
  readonly becomeUser?: string;
  readonly askBecomePass: boolean;
  readonly user?: string;
  readonly connection?: string;
  readonly acceptNewHostKeys: boolean;
}

/** Default number of hosts worked on at once. Ansible's 5 is a common complaint; connections here are cheap. */
export const DEFAULT_FORKS = 50;
