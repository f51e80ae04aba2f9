/**
 * Check mode's memory of what earlier tasks would have done to a host's files.
 * Modules describe their effects (Plan.effects); under --check the engine
 * records them here, and the host context answers `stat` and `readFile` from
 * them first, so later tasks are planned against the predicted state.
 */
import { createHash } from 'node:crypto';
import type { FileEffect, FileInfo } from '../module.js';

export class PredictedFiles {
  readonly #entries = new Map<string, FileEffect>();

  get size(): number {
    return this.#entries.size;
  }

  record(effects: readonly FileEffect[]): void {
    for (const e of effects) {
      const path = normalise(e.path);
      if (e.state === 'absent') {
        // everything below a removed directory goes too
        for (const k of [...this.#entries.keys()]) if (k.startsWith(`${path}/`)) this.#entries.delete(k);
      }
      const prev = this.#entries.get(path);
      this.#entries.set(path, { ...inherit(prev, e), path });
      if (e.state !== 'absent') this.#createParents(path);
    }
  }

  /** Forgets predictions for paths a real apply (check_mode: false) has just changed. */
  forget(paths: readonly string[]): void {
    for (const p of paths) this.#entries.delete(normalise(p));
  }

  /** The predicted state of a path: an effect, 'absent', or undefined when nothing is predicted. */
  lookup(path: string): FileEffect | undefined {
    const p = normalise(path);
    const own = this.#entries.get(p);
    if (own) return own;
    for (let parent = dirOf(p); parent !== '/'; parent = dirOf(parent)) {
      if (this.#entries.get(parent)?.state === 'absent') return { path: p, state: 'absent' };
    }
    return undefined;
  }

  /** The FileInfo a stat would give after the predicted changes; null for absent. */
  stat(path: string, base: FileInfo | null, opts: { checksum?: boolean } = {}): FileInfo | null {
    const e = this.lookup(path);
    if (!e) return base;
    if (e.state === 'absent') return null;
    const content = e.content === undefined ? undefined : Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content);
    const type = e.state === 'directory' ? 'directory' : e.state === 'link' ? 'link' : 'file';
    const sameType = base?.type === type;
    return {
      path,
      type,
      mode: e.mode ?? (sameType ? base.mode : type === 'directory' ? '0755' : type === 'link' ? '0777' : '0644'),
      uid: sameType ? base.uid : 0,
      gid: sameType ? base.gid : 0,
      owner: e.owner ?? (sameType ? base.owner : 'root'),
      group: e.group ?? (sameType ? base.group : 'root'),
      size: content?.length ?? (sameType ? base.size : 0),
      mtime: Math.floor(Date.now() / 1000),
      ...(e.src !== undefined ? { linkTarget: e.src } : {}),
      ...(opts.checksum && type === 'file' && content ? { checksum: createHash('sha256').update(content).digest('hex') } : {}),
      ...(opts.checksum && type === 'file' && !content && sameType && base.checksum ? { checksum: base.checksum } : {}),
    };
  }

  /** Predicted content, or undefined when the prediction does not say (read the host). */
  read(path: string): Buffer | null | undefined {
    const e = this.lookup(path);
    if (!e) return undefined;
    if (e.state === 'absent') return null;
    if (e.content === undefined) return undefined;
    return Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content);
  }

  #createParents(path: string): void {
    for (let parent = dirOf(path); parent !== '/' && parent !== '.'; parent = dirOf(parent)) {
      const e = this.#entries.get(parent);
      if (e && e.state !== 'absent') return;
      if (e?.state === 'absent') this.#entries.set(parent, { path: parent, state: 'directory' });
      else return; // parents not predicted are as the host has them
    }
  }
}

/** A later effect keeps what it does not say (content, mode) from an earlier one on the same path. */
function inherit(prev: FileEffect | undefined, e: FileEffect): FileEffect {
  if (!prev || prev.state !== e.state) return e;
  return {
    ...prev,
    ...Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)),
  };
}

function normalise(p: string): string {
  const s = p.replace(/\/+/g, '/');
  return s.length > 1 ? s.replace(/\/$/, '') : s;
}

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}
