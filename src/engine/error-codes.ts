/**
 * Every error code tsplay reports, in one typed catalogue: the exit status a
 * run ends with when the error stops it, what the code means and a typical
 * fix. `TsplayError.code` is an `ErrorCode`, so a misspelt code is a compile
 * error, and a TsplayError's exit status is read from here (one source of
 * truth). docs/errors.md is generated from this table (`tsplay errors
 * --markdown`) and a test fails when it is stale.
 *
 * `via`: the code is carried by an error a module or transport raises inside
 * a task, which the engine reports as that other code (e.g. a task failure);
 * the user sees its message there, the exit status is the other code's.
 */
import { ExitCode } from './exit-codes.js';

export { ExitCode } from './exit-codes.js';

export interface ErrorCodeInfo {
  readonly exit: ExitCode;
  /** what it means: one or two sentences */
  readonly summary: string;
  /** a typical fix */
  readonly fix: string;
  /** reported to the user as this code instead (see above) */
  readonly via?: string;
}

const PARSE = ExitCode.parseError;
const FAILED = ExitCode.hostFailed;

export const ErrorCodes = {
  // --- YAML and files -------------------------------------------------------
  E_YAML_SYNTAX: {
    exit: PARSE,
    summary: 'A YAML file does not parse (bad indentation, an unclosed quote, a tab used for indenting, several documents in one file).',
    fix: 'Fix the YAML at the line and column given; indent with spaces only.',
  },
  E_YAML_DUPLICATE_KEY: {
    exit: PARSE,
    summary: 'A mapping has the same key twice; YAML parsers that keep the last one silently drop the first.',
    fix: 'Remove or rename one of the two keys.',
  },
  E_FILE_NOT_FOUND: {
    exit: PARSE,
    summary: 'A file the input names does not exist or cannot be read: an imported playbook or task file, a vars file, a role file, a `src:` on the control machine.',
    fix: 'Correct the path; relative paths resolve against the file that names them (in a role, against its tasks/, files/ or templates/).',
  },
  // --- playbook structure ---------------------------------------------------
  E_EMPTY_PLAYBOOK: {
    exit: PARSE,
    summary: 'The playbook file holds no plays.',
    fix: 'Add a play: `- hosts: all` with its tasks.',
  },
  E_PLAYBOOK_NOT_LIST: {
    exit: PARSE,
    summary: 'A playbook must be a YAML list of plays; this one is a mapping or a scalar.',
    fix: 'Put `- ` before `hosts:` to make the play an item of a list.',
  },
  E_TASK_FILE_NOT_LIST: {
    exit: PARSE,
    summary: 'A task file (imported, included, or a role\'s tasks/main.yml) must be a list of tasks.',
    fix: 'Start each task with `- name: ...`.',
  },
  E_TYPE: {
    exit: PARSE,
    summary: 'A keyword has a value of the wrong type: `hosts: 5`, `tags: {a: 1}`, `retries: x`, `loop: 5`, `serial: fast`, or a templated keyword that renders to the wrong type.',
    fix: 'Give the kind of value the message names (a list, a whole number, a percentage, ...).',
  },
  E_MISSING_KEY: {
    exit: PARSE,
    summary: 'A required key is missing (a play without `hosts:`, a role entry without `role:`).',
    fix: 'Add the key the message names.',
  },
  E_UNKNOWN_KEY: {
    exit: PARSE,
    summary: 'A play, block, task or role entry has a key tsplay does not know (often a typo; the message suggests the nearest keyword).',
    fix: 'Correct the spelling, or move role parameters under `vars:`.',
  },
  E_CONFLICT: {
    exit: PARSE,
    summary: 'Two keywords that exclude each other are both set.',
    fix: 'Keep one of them.',
  },
  E_INVALID_VALUE: {
    exit: PARSE,
    summary: 'A keyword has a value of the right type that breaks a constraint (too small, too short, not in the allowed set).',
    fix: 'Use a value within the range or set the message gives.',
  },
  E_NO_MODULE: {
    exit: PARSE,
    summary: 'A task has no module key, so it would do nothing.',
    fix: 'Add one module, e.g. `command: ...` or `debug: {msg: ...}`.',
  },
  E_UNKNOWN_MODULE: {
    exit: PARSE,
    summary: 'A task names a module that neither tsplay nor the project\'s modules/ provide.',
    fix: 'Correct the name (see the suggestion), or run `tsplay modules` to list the modules.',
  },
  E_MULTIPLE_MODULES: {
    exit: PARSE,
    summary: 'A task names more than one module (or both import_role and include_role).',
    fix: 'Split it into one task per module.',
  },
  E_FREE_FORM: {
    exit: PARSE,
    summary: 'A module without a free-form parameter was given a string that is not `key=value` pairs.',
    fix: 'Write the parameters as a mapping.',
  },
  E_BLOCK_WITH_MODULE: {
    exit: PARSE,
    summary: 'A block also names a module.',
    fix: 'Move the module into a task inside `block:`.',
  },
  E_BAD_META: {
    exit: PARSE,
    summary: '`meta:` names an action tsplay does not know.',
    fix: 'Use flush_handlers, end_play, end_host, noop, clear_facts or refresh_inventory.',
  },
  E_HANDLER_NO_NAME: {
    exit: PARSE,
    summary: 'A handler has neither a `name` nor `listen` topics, so nothing can notify it.',
    fix: 'Add `name:` (or `listen:`).',
  },
  E_HANDLER_NOT_TASK: {
    exit: PARSE,
    summary: 'A handler is a block, a meta task or an include_tasks; handlers are plain tasks.',
    fix: 'Write the handler as a task (import_tasks of tasks is allowed).',
  },
  E_UNKNOWN_HANDLER: {
    exit: PARSE,
    summary: '`notify:` names no handler (name or listen topic) of the play.',
    fix: 'Correct the name (see the suggestion) or add the handler.',
  },
  E_TEMPLATED_IMPORT: {
    exit: PARSE,
    summary: 'import_playbook and import_tasks are static: their file name cannot be templated.',
    fix: 'Name the file literally, or use include_tasks for a file chosen at run time.',
  },
  E_IMPORT_CYCLE: {
    exit: PARSE,
    summary: 'Files import each other in a cycle; the message names the chain.',
    fix: 'Remove one of the imports in the chain.',
  },
  E_ROLE_NOT_FOUND: {
    exit: PARSE,
    summary: 'A role is not in any of the searched directories (listed in the hint).',
    fix: 'Correct the name, or put the role under roles/ beside the playbook or the project root.',
  },
  E_ROLE_CYCLE: {
    exit: PARSE,
    summary: 'Roles depend on each other (meta/main.yml dependencies) in a cycle.',
    fix: 'Remove one dependency in the chain.',
  },
  E_HOST_PATTERN: {
    exit: PARSE,
    summary: 'A host pattern (`hosts:` or `--limit`) is malformed: a lone `&` or `!`, an empty part, a bad regular expression or subscript.',
    fix: 'Fix the pattern: `web:&prod:!db1`, `web[0:2]`, `~regex`.',
  },
  // --- templates and conditions ---------------------------------------------
  E_TEMPLATE_SYNTAX: {
    exit: PARSE,
    summary: 'A templated value in a playbook, a role, a vars file or the inventory does not parse as Handlebars (an unclosed `{{`, `{{#if}}` closed by `{{/each}}`), or uses what templates may not (partials, `__proto__`).',
    fix: 'Fix the template; see docs/templating.md for the Jinja2 translations.',
  },
  E_CONDITION_SYNTAX: {
    exit: PARSE,
    summary: 'A condition (`when`, `changed_when`, `failed_when`, `until`, `assert: that`) does not parse, or uses syntax, a test or a filter that conditions do not have.',
    fix: 'Fix the expression: `x is defined and y == 1`; see "Conditions" in docs/templating.md.',
  },
  E_TEMPLATE: {
    exit: PARSE,
    summary: 'A template or condition failed while it was evaluated (comparing a number with a string, dividing by zero, a missing helper).',
    fix: 'Check the types of the values the expression uses.',
  },
  E_UNDEFINED_VAR: {
    exit: PARSE,
    summary: 'A template or condition uses a variable that is not defined. Found before the run when nothing defines it anywhere; otherwise when the task runs.',
    fix: 'Define the variable (vars, group_vars, host_vars, -e) or use `{{default x "..."}}` / `x is defined`.',
  },
  // --- module parameters ----------------------------------------------------
  E_UNKNOWN_PARAM: {
    exit: PARSE,
    summary: 'A module was given a parameter it does not have.',
    fix: 'Correct the name (see the suggestion); `tsplay modules NAME` lists the parameters.',
  },
  E_MISSING_PARAM: {
    exit: PARSE,
    summary: 'A required module parameter is missing.',
    fix: 'Add the parameter the message names.',
  },
  E_PARAM_TYPE: {
    exit: PARSE,
    summary: 'A module parameter has the wrong type or is not one of its allowed values (checked at load, and again after templating).',
    fix: 'Give the type or one of the values the message names.',
  },
  E_PARAM_CONFLICT: {
    exit: PARSE,
    summary: 'Two module parameters that exclude each other are both given.',
    fix: 'Keep one of them.',
  },
  E_PARAM_INVALID: {
    exit: PARSE,
    summary: 'A module parameter breaks a constraint (a pattern, a range, a minimum length).',
    fix: 'Use a value the parameter accepts; `tsplay modules NAME` describes it.',
  },
  E_VALIDATION: {
    exit: PARSE,
    summary: 'Several input errors at once; each is printed on its own line with its own code.',
    fix: 'Fix each error listed.',
  },
  // --- inventory ------------------------------------------------------------
  E_INVENTORY_NOT_FOUND: {
    exit: PARSE,
    summary: 'An inventory given with -i does not exist.',
    fix: 'Correct the path.',
  },
  E_INVENTORY_STRUCTURE: {
    exit: PARSE,
    summary: 'An inventory file is empty or not shaped as groups with hosts, vars and children.',
    fix: 'Write `all: {hosts: {...}, children: {...}}`; see docs/inventory.md.',
  },
  E_INVENTORY_UNKNOWN_KEY: {
    exit: PARSE,
    summary: 'A group in the inventory has a key other than hosts, vars and children.',
    fix: 'Put variables under `vars:` and groups under `children:`.',
  },
  E_INVENTORY_HOST_RANGE: {
    exit: PARSE,
    summary: 'A host range (`web[01:10]`) is malformed.',
    fix: 'Write begin:end or begin:end:step with equal-length numbers or letters.',
  },
  E_INVENTORY_GROUP_LOOP: {
    exit: PARSE,
    summary: 'Inventory groups contain each other in a loop.',
    fix: 'Remove one of the `children:` entries.',
  },
  E_INVENTORY_VARS_FILE: {
    exit: PARSE,
    summary: 'A group_vars or host_vars file does not hold a mapping.',
    fix: 'Write `name: value` lines.',
  },
  E_CONNECTION_VAR: {
    exit: PARSE,
    summary: 'A connection variable of a host has a bad value (a port that is not a number, a malformed jump host).',
    fix: 'Correct the variable in the inventory, host_vars or group_vars.',
  },
  // --- project modules ------------------------------------------------------
  E_MODULE_LOAD: {
    exit: PARSE,
    summary: 'A project module (modules/*.ts) does not compile or fails when loaded.',
    fix: 'Fix the file at the line given.',
  },
  E_MODULE_INVALID: {
    exit: PARSE,
    summary: 'A project module file does not default-export a `defineModule({...})` module.',
    fix: 'Export `defineModule({name, description, params, check})` as the default.',
  },
  E_MODULE_CONFLICT: {
    exit: PARSE,
    summary: 'Two modules (built-in or project) have the same name.',
    fix: 'Rename the project module.',
  },
  // --- command line and run -------------------------------------------------
  E_OPTIONS: {
    exit: ExitCode.badOptions,
    summary: 'Bad command-line options: an unknown flag or command, a bad -e, --limit or --junit.',
    fix: 'See `tsplay --help`.',
  },
  E_NO_HOSTS: {
    exit: ExitCode.error,
    summary: 'The inventory, the play patterns and --limit leave no host to work on.',
    fix: '`tsplay inventory -i INVENTORY --graph` lists the hosts and groups.',
  },
  E_VAULT: {
    exit: ExitCode.error,
    summary: 'A vault password is missing or wrong, or vaulted data is malformed.',
    fix: 'Pass --vault-password-file, --vault-id or -J; check the password.',
  },
  E_REPORT_WRITE: {
    exit: ExitCode.error,
    summary: 'A report (--junit FILE) could not be written after the run.',
    fix: 'Check that the directory exists and is writable.',
  },
  E_INTERRUPTED: {
    exit: ExitCode.interrupted,
    summary: 'The run was interrupted (Ctrl-C).',
    fix: 'Run it again; modules are idempotent.',
  },
  // --- on a host ------------------------------------------------------------
  E_MODULE_FAILED: {
    exit: FAILED,
    summary: 'A task failed on a host (its module reported failure, or `failed_when` held).',
    fix: 'Read the task\'s message; `-v` shows the whole result.',
  },
  E_UNREACHABLE: {
    exit: ExitCode.hostUnreachable,
    summary: 'A host could not be reached: connection refused or timed out, authentication failed, host key unknown or changed, container missing.',
    fix: 'Check the address, the credentials and the host key; `-vvv` shows the connection attempt.',
  },
  E_NO_SHELL: {
    exit: FAILED,
    summary: 'A shell module (command, copy, ...) was pointed at an HTTP API host.',
    fix: 'Use an API module for that host, or delegate_to a host with a shell.',
  },
  E_HTTP: {
    exit: FAILED,
    summary: 'An HTTP API (NSX Manager, vCenter) answered with an error status.',
    fix: 'Read the API\'s message in the error; check the object names and the account\'s rights.',
  },
  E_KUBE_API: {
    exit: FAILED,
    summary: 'The Kubernetes API server refused a request: an invalid object (422, with the fields), a field-manager conflict (409, with the other managers and their fields), a missing kind or namespace (404), forbidden (403).',
    fix: 'Read the server\'s message and causes in the error: fix the manifest at the file and line named, or set force_conflicts to take fields another manager owns.',
  },
  E_HOST_FILE: {
    exit: FAILED,
    summary: 'A file on a host could not be read, written or examined (permissions, a full disk, a missing directory).',
    fix: 'Check the path and its permissions on the host; use `become: true` for files root owns.',
  },
  E_FACTS: {
    exit: FAILED,
    summary: 'Facts could not be gathered from a host (the facts command failed).',
    fix: 'Check that the host has a POSIX shell; or set `gather_facts: false`.',
  },
  E_SSH_ENV_NAME: {
    exit: FAILED,
    summary: '`environment:` names a variable that is not a valid shell name.',
    fix: 'Use letters, digits and _ only, not starting with a digit.',
  },
  E_SSH_JUMP_SPEC: {
    exit: PARSE,
    summary: 'A jump host (tsplay_ssh_jump / ProxyJump) is not `[user@]host[:port]`.',
    fix: 'Correct the jump host variable.',
    via: 'E_CONNECTION_VAR',
  },
  // --- inside built-in modules: reported as the task's failure ---------------
  E_COMMAND_LINE: {
    exit: FAILED,
    summary: 'command: the command line cannot be split into words (an unclosed quote).',
    fix: 'Close the quote, or use `argv:`.',
    via: 'E_MODULE_FAILED',
  },
  E_APT_PLAN: {
    exit: FAILED,
    summary: 'apt/apt_pin: a package request apt cannot satisfy (no such package or version).',
    fix: 'Check the package name and version; update the cache (`update_cache: true`).',
    via: 'E_MODULE_FAILED',
  },
  E_APT_PIN_REQUEST: {
    exit: FAILED,
    summary: 'apt_pin: a package has no version to pin, or is named twice.',
    fix: 'Write `name=<version>` or set `version:` for all packages; name each package once.',
    via: 'E_MODULE_FAILED',
  },
  E_OPENPGP_KEY: {
    exit: FAILED,
    summary: 'apt_repo: a signing key is not a usable OpenPGP public key (not armored or binary key packets, bad base64 or checksum).',
    fix: 'Give an armored or binary OpenPGP public key.',
    via: 'E_MODULE_FAILED',
  },
  E_SYSTEMD_PLAN: {
    exit: FAILED,
    summary: 'systemd: the requested unit state cannot be reached (an unknown unit, a masked or static one that cannot be enabled or started).',
    fix: 'Check the unit name and its state with systemctl on the host.',
    via: 'E_MODULE_FAILED',
  },
  E_CONTAINERD_PROBE: {
    exit: FAILED,
    summary: 'containerd: the host\'s containerd could not be examined (dpkg-query, apt-cache or systemctl failed, or the socket does not answer).',
    fix: 'Read the message and the unit\'s log lines in it.',
    via: 'E_MODULE_FAILED',
  },
  E_CONTAINERD_CONFIG: {
    exit: FAILED,
    summary: 'containerd: the config cannot be written (an unsupported containerd version, an override that is not TOML or touches config.version).',
    fix: 'Read the message; see `tsplay modules containerd`.',
    via: 'E_MODULE_FAILED',
  },
  E_CONTAINERD_PLAN: {
    exit: FAILED,
    summary: 'containerd: the package or its version cannot be planned (not installed and no candidate, no version from `containerd --version`).',
    fix: 'Add containerd\'s repository or set `update_cache: true`.',
    via: 'E_MODULE_FAILED',
  },
  E_NSX_ADDRESS: {
    exit: FAILED,
    summary: 'nsx_spoofguard: an IPv4 address or range is malformed, backwards, or larger than a port allows.',
    fix: 'Write `10.0.0.1` or `10.0.0.1-10.0.0.9`; large ranges with `range_as: subnets`.',
    via: 'E_MODULE_FAILED',
  },
  E_NSX_DFW_SPEC: {
    exit: FAILED,
    summary: 'nsx_dfw: the firewall rules are inconsistent (ANY with other entries, a bad port or range, a service without ports).',
    fix: 'Read the message; see docs/nsx.md.',
    via: 'E_MODULE_FAILED',
  },
  E_NSX_SPOOFGUARD: {
    exit: FAILED,
    summary: 'nsx_spoofguard: the SpoofGuard settings cannot be planned.',
    fix: 'Read the message; see docs/nsx.md.',
    via: 'E_MODULE_FAILED',
  },
  E_VIM_FAULT: {
    exit: FAILED,
    summary: 'govc_*: vCenter answered with a fault (NotFound, InvalidArgument, ...).',
    fix: 'Read the fault in the message; check the object names in vCenter.',
    via: 'E_MODULE_FAILED',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ErrorCodes;

/** The codes whose exit status is 4 (input errors: nothing ran); what a ParseError may carry. */
export type ParseErrorCode = { [K in ErrorCode]: (typeof ErrorCodes)[K]['exit'] extends typeof ExitCode.parseError ? K : never }[ErrorCode];

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ErrorCodes, code);
}
