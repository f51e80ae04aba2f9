/**
 * Everything a run needs, loaded and validated before any host is contacted:
 * vault passwords, extra vars, the inventory, project modules and every
 * playbook (with roles and imports). Errors from all of them are reported
 * together; warnings (the inventory's, --limit's) go to `warn`.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { builtinRegistry } from '../builtin-registry.js';
import { NoHostsError, OptionsError, ParseError, TsplayError, ValidationErrors } from '../errors.js';
import { ConditionEvaluator } from '../expr/index.js';
import { inventoryView, loadInventory, localhostInventory, matchHosts, type Inventory } from '../inventory/index.js';
import { createTaskFileLoader, loadPlaybook } from '../playbook/index.js';
import type { Play, Playbook } from '../playbook/model.js';
import type { ModuleRegistry } from '../registry.js';
import type { Redactor } from '../secret.js';
import { Templar } from '../template/index.js';
import { isTemplated } from '../validate/deferred.js';
import { ModuleParams } from '../validate/module-params.js';
import { loadVaultSecrets, readYamlWithVault, ttyPromptReader, vaultedNumbers } from '../vault/index.js';
import { parseExtraVars } from '../vars/extra-vars.js';
import type { Vars } from '../vars/precedence.js';
import type { PlaybookRunRequest } from './run-request.js';
import type { InventoryView, TaskFileLoader } from './run-context.js';
import type { RunIO } from './run-io.js';
import { playKeywordVars, resolvePlayKeywords } from './play-keywords.js';
import { checkUndefinedVariables } from './undefined-vars.js';

export interface PreparedRun {
  readonly playbooks: readonly Playbook[];
  readonly inventory: InventoryView;
  readonly registry: ModuleRegistry;
  readonly params: ModuleParams;
  readonly templates: Templar;
  readonly conditions: ConditionEvaluator;
  readonly files: TaskFileLoader;
  readonly extraVars: Vars;
  readonly readYaml: (file: string) => unknown;
  readonly playbookDir: string;
}

export async function prepareRun(req: PlaybookRunRequest, io: RunIO, redactor: Redactor, warn: (message: string) => void): Promise<PreparedRun> {
  if (req.junit !== undefined && !isDirectory(dirname(resolve(req.junit)))) {
    throw new OptionsError(`--junit ${req.junit}: the directory ${dirname(resolve(req.junit))} does not exist`);
  }
  const secrets = await loadVaultSecrets({
    vaultPasswordFiles: req.vaultPasswordFiles,
    vaultIds: req.vaultIds,
    askVaultPass: req.askVaultPass,
    env: io.env,
    ...(req.askVaultPass ? { prompt: ttyPromptReader(io.stdin, io.stderr) } : {}),
  });
  const readYaml = registeringSecrets(readYamlWithVault(secrets.isEmpty ? undefined : secrets), redactor);
  const extraVars = parseExtraVars(req.extraVars, readExtraVarsFile(readYaml));
  redactor.addAll(extraVars);

  const playbookDir = resolve(dirname(req.playbooks[0] ?? '.'));
  const projectRoot = process.cwd();
  const extraVarsDirs = [...new Set([projectRoot, ...req.playbooks.map((p) => resolve(dirname(p)))])];
  const errors: TsplayError[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ValidationErrors) errors.push(...e.errors);
      else if (TsplayError.isInstance(e)) errors.push(e);
      else throw e;
      return undefined;
    }
  };

  const inv: Inventory | undefined = attempt(() =>
    req.inventories.length ? loadInventory(req.inventories, { extraVarsDirs, readYaml }) : localhostInventory({ extraVarsDirs, readYaml }),
  );
  const registry = builtinRegistry();
  try {
    await registry.loadProjectModules(extraVarsDirs);
  } catch (e) {
    if (!TsplayError.isInstance(e)) throw e;
    errors.push(e);
  }
  const params = new ModuleParams();
  const rolesPath = [...new Set([...extraVarsDirs.map((d) => resolve(d, 'roles')), resolve(projectRoot, 'playbooks', 'roles')])];
  const loaded: Playbook[] = [];
  for (const file of req.playbooks) {
    const pb = attempt(() => loadPlaybook(file, { modules: registry, readYaml, rolesPath, params }));
    if (pb) loaded.push(pb);
  }
  const templates = new Templar({
    redactor,
    env: io.env,
    lookupFile: (path) => readFileSync(resolve(playbookDir, path), 'utf8'),
  });
  const conditions = new ConditionEvaluator(templates);
  const files = createTaskFileLoader({ modules: registry, readYaml, rolesPath, params, playbookDir });
  // vars_files named without a template are read now, so a vaulted one without a password (or
  // with bad YAML) is reported with the other errors, before any host is contacted
  const readVarsFiles = new Map<Play, Vars>();
  for (const play of loaded.flatMap((pb) => pb.plays)) {
    const merged: Vars = {};
    for (const f of play.varsFiles) if (!isTemplated(f)) Object.assign(merged, attempt(() => files.loadVars(f, play.baseDir, play.location)));
    readVarsFiles.set(play, merged);
  }
  // templated serial and hosts are rendered now, with the play's variables: a bad value stops the run before it starts
  const groups = inv ? inventoryView(inv).groups() : {};
  const resolvePlay = (play: Play): Play => {
    const vars = playKeywordVars({ play, extraVars, varsFiles: readVarsFiles.get(play) ?? {}, groups, playbookDir, check: req.check });
    return attempt(() => resolvePlayKeywords(play, vars, templates)) ?? play;
  };
  const resolved: Playbook[] = inv ? loaded.map((pb) => ({ ...pb, plays: pb.plays.map(resolvePlay) })) : loaded;
  if (inv && req.limit !== undefined) checkLimit(inv, req.limit, warn);
  if (inv && errors.length === 0) {
    for (const w of inv.warnings) warn(w);
    errors.push(...checkUndefinedVariables(resolved, inv, extraVars, (m) => registry.get(m)));
  }
  ValidationErrors.throwIfAny(errors);
  if (!inv) throw new Error('unreachable: inventory missing without an error');

  return {
    playbooks: resolved,
    inventory: withCommandLineDefaults(inventoryView(inv), req),
    registry,
    params,
    templates,
    conditions,
    files,
    extraVars,
    readYaml,
    playbookDir,
  };
}

/**
 * Every vault value read (inventory, group_vars, vars_files, -e @file) is known to the redactor
 * from the moment it is read, not only once a task uses it: a command's output may show it first.
 */
function registeringSecrets(readYaml: (file: string) => unknown, redactor: Redactor): (file: string) => unknown {
  return (file) => {
    const data = readYaml(file);
    redactor.addAll(data);
    for (const n of vaultedNumbers(data)) redactor.add(String(n));
    return data;
  };
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** `-e @FILE` naming a file that cannot be read is a bad option (exit 5), not bad input. */
function readExtraVarsFile(readYaml: (file: string) => unknown): (file: string) => unknown {
  return (file) => {
    try {
      return readYaml(file);
    } catch (e) {
      if (!(e instanceof ParseError) || e.code !== 'E_FILE_NOT_FOUND') throw e;
      throw new OptionsError(`-e @${file}: ${e.message}`, { hint: 'the path is relative to the current directory' });
    }
  };
}

/**
 * A malformed `--limit` is a bad option, reported before anything runs; a part that matches
 * nothing is a warning; a limit that leaves no host at all is an error (exit 1), as in ansible-playbook.
 */
function checkLimit(inv: Inventory, limit: string, warn: (message: string) => void): void {
  let matched: ReturnType<typeof matchHosts>;
  try {
    matched = matchHosts(inv, limit);
  } catch (e) {
    if (!TsplayError.isInstance(e)) throw e;
    throw new OptionsError(`--limit '${limit}': ${e.message}`, { ...(e.hint ? { hint: e.hint } : {}) });
  }
  for (const w of matched.warnings) warn(`--limit: ${w}`);
  if (matched.hosts.length === 0) {
    throw new NoHostsError(`--limit '${limit}' leaves no hosts to target`, { hint: 'tsplay inventory -i INVENTORY --graph lists the hosts and groups' });
  }
}

/**
 * `-u USER`, `-c CONNECTION` and `--accept-new-host-keys` apply to hosts whose variables do not set them
 * (a host with `tsplay_ssh_accept_new_host_keys: false` stays strict).
 */
function withCommandLineDefaults(view: InventoryView, req: PlaybookRunRequest): InventoryView {
  if (!req.user && !req.connection && !req.acceptNewHostKeys) return view;
  return {
    ...view,
    hostVars: (h) => view.hostVars(h),
    groupNames: (h) => view.groupNames(h),
    groups: () => view.groups(),
    match: (p) => view.match(p),
    connectionSettings: (host, vars) => {
      const withDefaults = { ...vars };
      if (req.user && withDefaults.tsplay_user === undefined && withDefaults.ansible_user === undefined) withDefaults.tsplay_user = req.user;
      if (req.connection && withDefaults.tsplay_connection === undefined && withDefaults.ansible_connection === undefined)
        withDefaults.tsplay_connection = req.connection;
      if (req.acceptNewHostKeys && withDefaults.tsplay_ssh_accept_new_host_keys === undefined) withDefaults.tsplay_ssh_accept_new_host_keys = true;
      return view.connectionSettings(host, withDefaults);
    },
  };
}
