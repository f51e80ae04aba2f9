/**
 * Turns one module Diff into plain lines: texts give a unified diff, objects
 * (or arrays) a structured diff, anything mixed is compared as JSON text.
 * A missing side counts as empty ("" or {} / []).
 */
import type { Diff } from '../module.js';
import { objectDiffLines } from './object-diff.js';
import { unifiedDiffLines } from './text-diff.js';

type Side = Diff['before'];
type Tree = Readonly<Record<string, unknown>> | readonly unknown[];

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null;
}

function emptyLike(other: Tree): Tree {
  return Array.isArray(other) ? [] : {};
}

function asText(v: Side): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v, null, 2) + '\n';
}

export function renderDiff(d: Diff): string[] {
  const { before, after, label } = d;
  if (before === undefined && after === undefined) return [];
  const treeBefore = isTree(before) ? before : before === undefined && isTree(after) ? emptyLike(after) : undefined;
  const treeAfter = isTree(after) ? after : after === undefined && isTree(before) ? emptyLike(before) : undefined;
  if (treeBefore && treeAfter && Array.isArray(treeBefore) === Array.isArray(treeAfter)) {
    const lines = objectDiffLines(treeBefore, treeAfter);
    return lines.length === 0 ? [] : [`--- before: ${label}`, `+++ after: ${label}`, ...lines];
  }
  return unifiedDiffLines(label, asText(before), asText(after));
}
