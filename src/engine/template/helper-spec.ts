/** What a helper is, independent of Handlebars' calling convention. */
import type { HelperOptions } from 'handlebars';

export interface HelperContext {
  /** clear text of a value (Secrets revealed and recorded) */
  text(v: unknown): string;
  /** a value with Secrets inside revealed and recorded (for serialisers) */
  plain(v: unknown): unknown;
  /** `lookup "file" path`: the run's file reader */
  readFile(path: string): string;
  /** `lookup "env" NAME` */
  env(name: string): string | undefined;
  /** `lookup obj key`: a strict, lazy property read */
  property(obj: unknown, key: string): unknown;
}

export interface HelperSpec {
  /** positional arguments (`self` is the block context, Handlebars' `this`) (undefined values already rejected unless `acceptsUndefined`), the hash, the block options */
  readonly fn: (ctx: HelperContext, args: unknown[], hash: Record<string, unknown>, options: HelperOptions, self: unknown) => unknown;
  /** receives UndefinedValue arguments instead of failing on them (default, defined, if, and/or) */
  readonly acceptsUndefined?: boolean;
}

export type HelperTable = Readonly<Record<string, HelperSpec>>;
