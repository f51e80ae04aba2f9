/**
 * Play keywords that may be templated and are needed before the play has
 * hosts: `serial` and the `hosts` pattern. As Ansible does, they are rendered
 * with the play-level variables (role defaults, play vars, vars files read
 * before the run, role vars, extra vars, and the magic variables that need no
 * host), and checked, before any host is contacted: a value that renders to
 * the wrong thing is an input error at the keyword, not a crash mid-run.
 */
import { ParseError } from '../errors.js';
import type { Play } from '../playbook/model.js';
import { hostPatternProblem } from '../playbook/host-pattern.js';
import { parseSerial, type BatchSize, type SerialSetting } from '../playbook/serial.js';
import { isTemplated } from '../validate/deferred.js';
import { mergeVars, type Vars } from '../vars/precedence.js';
import type { TemplateEngine } from './run-context.js';
import { OMIT } from './task-vars.js';

export interface PlayVarsInput {
  readonly play: Play;
  readonly extraVars: Vars;
  /** the play's vars files that were read before the run, merged in order */
  readonly varsFiles?: Vars;
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly playbookDir: string;
  readonly check: boolean;
}

/** The variables a play keyword is rendered with (no host yet). */
export function playKeywordVars(input: PlayVarsInput): Vars {
  const { play } = input;
  const merged = (pick: (r: Play['roles'][number]) => Vars): Vars => Object.assign({}, ...play.roles.map(pick)) as Vars;
  return mergeVars({
    roleDefaults: merged((r) => r.defaults),
    inventory: {},
    play: play.vars,
    varsFiles: input.varsFiles ?? {},
    roleVars: merged((r) => r.vars),
    extra: input.extraVars,
    magic: {
      groups: input.groups,
      playbook_dir: input.playbookDir,
      omit: OMIT,
      check_mode: input.check,
      ansible_check_mode: input.check,
      ansible_play_name: play.name,
    },
  });
}

/** The play with a templated `serial` rendered into sizes; a templated `hosts` rendered and its syntax checked. Throws an input error. */
export function resolvePlayKeywords(play: Play, vars: Vars, templates: TemplateEngine): Play {
  if (isTemplated(play.hosts)) {
    const pattern = String(templates.render(play.hosts, vars, play.location));
    const problem = hostPatternProblem(pattern);
    if (problem) {
      const location = play.hostsLocation ?? { ...play.location, field: play.location.field ? `${play.location.field}.hosts` : 'hosts' };
      throw new ParseError('E_HOST_PATTERN', `bad host pattern '${pattern}' (from '${play.hosts}'): ${problem}`, { location });
    }
  }
  const serial = play.serial;
  if (!serial || 'sizes' in serial) return play;
  return { ...play, serial: { sizes: renderSerial(serial, vars, templates) } };
}

/** The sizes of a play's serial setting (rendering a template not resolved before the run). */
export function serialSizes(play: Play, vars: () => Vars, templates: TemplateEngine): readonly BatchSize[] | undefined {
  const serial = play.serial;
  if (!serial) return undefined;
  return 'sizes' in serial ? serial.sizes : renderSerial(serial, vars(), templates);
}

type SerialTemplate = Exclude<SerialSetting, { readonly sizes: readonly BatchSize[] }>;

function renderSerial(serial: SerialTemplate, vars: Vars, templates: TemplateEngine): readonly BatchSize[] {
  const { template, location } = serial;
  const rendered = templates.render(template, vars, location);
  const parsed = parseSerial(rendered);
  // Array.isArray would narrow a readonly array to any[]
  if (!('message' in parsed)) return parsed;
  const problem = parsed;
  const item = problem.index === undefined ? template : Array.isArray(template) ? (template as unknown[])[problem.index] : template;
  const at = problem.index === undefined ? location : (serial.itemLocations?.[problem.index] ?? { ...location, field: `${location.field ?? 'serial'}[${problem.index}]` });
  throw new ParseError('E_TYPE', `${problem.message}${isTemplated(item) ? ` (rendered from '${String(item)}')` : ''}`, {
    location: at,
    hint: 'serial takes a number of hosts, a percentage of them ("30%") or a list of those',
  });
}
