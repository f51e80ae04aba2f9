/**
 * What a task inherits from the play, its role and the blocks around it.
 * Walking the tree, each block extends the context with what it sets; a task
 * then resolves its effective settings: its own value wins, else the nearest
 * enclosing one.
 */
import type { Inheritable, InheritedSettings, Play, RoleInstance, Task } from '../playbook/model.js';
import type { Vars } from '../vars/precedence.js';

/** The nearest node's settings: `undefined` where no enclosing node sets one (the same as absent). */
type ResolvedSettings = { readonly [K in keyof InheritedSettings]?: InheritedSettings[K] | undefined };

/** The nodes' own settings (the nearest wins), plus what accumulates from every enclosing node. */
export interface Inherited extends ResolvedSettings {
  readonly when: readonly (string | boolean)[];
  readonly vars: readonly Vars[];
  readonly tags: readonly string[];
  readonly environment: readonly Vars[];
  readonly role?: RoleInstance | undefined;
}

export function fromPlay(play: Play): Inherited {
  return {
    when: [],
    vars: [],
    tags: play.tags,
    environment: play.environment ? [play.environment] : [],
    ...(play.become !== undefined ? { become: play.become } : {}),
    ...(play.becomeUser !== undefined ? { becomeUser: play.becomeUser } : {}),
    ...(play.checkMode !== undefined ? { checkMode: play.checkMode } : {}),
    ...(play.diff !== undefined ? { diff: play.diff } : {}),
    ...(play.noLog !== undefined ? { noLog: play.noLog } : {}),
    ...(play.ignoreErrors !== undefined ? { ignoreErrors: play.ignoreErrors } : {}),
  };
}

type ScalarKey = keyof InheritedSettings;

/** The context inside a node (block, include, task) given the context around it. */
export function extend(outer: Inherited, node: Inheritable & { role?: RoleInstance }): Inherited {
  const pick = <K extends ScalarKey>(k: K): Inherited[K] => (node[k] !== undefined ? (node[k] as Inherited[K]) : outer[k]);
  return {
    when: node.when.length ? [...outer.when, ...node.when] : outer.when,
    vars: Object.keys(node.vars).length ? [...outer.vars, node.vars] : outer.vars,
    tags: node.tags.length ? [...new Set([...outer.tags, ...node.tags])] : outer.tags,
    environment: node.environment ? [...outer.environment, node.environment] : outer.environment,
    become: pick('become'),
    becomeUser: pick('becomeUser'),
    checkMode: pick('checkMode'),
    diff: pick('diff'),
    noLog: pick('noLog'),
    ignoreErrors: pick('ignoreErrors'),
    delegateTo: pick('delegateTo'),
    runOnce: pick('runOnce'),
    throttle: pick('throttle'),
    role: node.role ?? outer.role,
  };
}

/** A task's effective settings: its own over the inherited ones. */
export type EffectiveTask = Inherited & {
  readonly task: Task;
  /** the task's name with play-level variables rendered, for output */
  readonly displayName?: string;
};

export function effective(outer: Inherited, task: Task): EffectiveTask {
  return { ...extend(outer, task), task };
}
