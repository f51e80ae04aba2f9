/**
 * Builds the contexts modules receive. `check` gets a HostContext (reads
 * only); `apply` gets an ApplyContext (reads and writes). Both are thin
 * layers over one Connection, with the task's become and environment applied.
 */
import type { ApplyContext, CommandOptions, CommandResult, ControllerFiles, HostContext } from '../module.js';
import type { BecomeOptions, Connection, ExecOptions } from '../transport/transport.js';
import { statOnHost } from './host-files.js';
import type { PredictedFiles } from './predicted-files.js';

export interface HostContextOptions {
  readonly host: string;
  /** opened on first use, so controller-only tasks never connect */
  readonly connection: () => Promise<Connection>;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly checkMode: boolean;
  readonly diffMode: boolean;
  readonly become?: BecomeOptions;
  readonly environment?: Readonly<Record<string, string>>;
  readonly controller: ControllerFiles;
  readonly render: (template: string) => string;
  readonly warn: (message: string) => void;
  readonly debug: (message: string) => void;
  /** check mode: answer stat/readFile from the changes earlier tasks would have made */
  readonly predicted?: PredictedFiles;
}

export function createHostContext(o: HostContextOptions): HostContext {
  const execOpts = (opts: CommandOptions = {}): ExecOptions => ({
    ...opts,
    ...(o.environment || opts.env ? { env: { ...o.environment, ...opts.env } } : {}),
    ...(o.become ? { become: o.become } : {}),
  });
  const exec = async (command: string, opts?: CommandOptions): Promise<CommandResult> => {
    o.debug(`exec: ${command}`);
    const conn = await o.connection();
    return conn.exec(command, execOpts(opts));
  };
  return {
    host: o.host,
    vars: o.vars,
    checkMode: o.checkMode,
    diffMode: o.diffMode,
    probe: exec,
    readFile: async (path) => {
      const predicted = o.predicted?.read(path);
      if (predicted !== undefined) return predicted;
      return (await o.connection()).get(path, o.become ? { become: o.become } : {});
    },
    stat: async (path, opts = {}) => {
      const effect = o.predicted?.lookup(path);
      if (effect?.state === 'absent') return null;
      const base = await statOnHost(await o.connection(), path, { ...opts, ...(o.become ? { become: o.become } : {}) });
      return effect && o.predicted ? o.predicted.stat(path, base, opts) : base;
    },
    controller: o.controller,
    render: o.render,
    warn: o.warn,
    debug: o.debug,
  };
}

export function createApplyContext(o: HostContextOptions): ApplyContext {
  const base = createHostContext(o);
  return {
    ...base,
    run: base.probe,
    writeFile: async (path, content, opts = {}) => {
      o.debug(`write: ${path}`);
      const conn = await o.connection();
      await conn.put(path, Buffer.isBuffer(content) ? content : Buffer.from(content), {
        ...opts,
        ...(o.become ? { become: o.become } : {}),
      });
    },
  };
}
