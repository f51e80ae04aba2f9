/** The state of one render call: the variables, where the text came from, and what is being rendered lazily. */
import type { SourceLocation } from '../errors.js';

export type Vars = Record<string, unknown>;

export interface Frame {
  /** the root variables every lookup starts from */
  readonly vars: Vars;
  readonly where: SourceLocation | undefined;
  /** variables being rendered lazily, outermost first (for cycle detection) */
  readonly chain: readonly string[];
  /**
   * 'value': a playbook value; a Secret printed into a string makes the whole result a Secret.
   * 'text': a template file; Secrets print as clear text (and are registered with the Redactor).
   */
  readonly mode: 'value' | 'text';
  /** set when a Secret's clear text went into the output */
  revealedSecret: boolean;
}

export function rootFrame(vars: Vars, where: SourceLocation | undefined, mode: Frame['mode']): Frame {
  return { vars, where, chain: [], mode, revealedSecret: false };
}
