/**
 * The value a lookup yields when a variable (or one of its attributes) does
 * not exist. It travels through helpers like Jinja's Undefined: `default` and
 * `defined` accept it, `#if` treats it as false; any other use (printing it,
 * passing it to another helper, comparing it) throws MissingVariable, which
 * the Templar turns into an UndefinedVariableError with the expression and
 * the location.
 */
export class MissingVariable extends Error {
  readonly path: string;
  constructor(path: string) {
    super(`undefined variable '${path}'`);
    this.path = path;
  }
}

export class UndefinedValue {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }
  /** Looking further into an undefined value stays undefined, with the longer path. */
  child(key: string): UndefinedValue {
    return new UndefinedValue(`${this.path}.${key}`);
  }
  [Symbol.toPrimitive](): never {
    throw new MissingVariable(this.path);
  }
  toJSON(): never {
    throw new MissingVariable(this.path);
  }
  static is(v: unknown): v is UndefinedValue {
    return v instanceof UndefinedValue;
  }
}

/** Throws if the value is undefined (missing); returns it otherwise. */
export function defined<T>(v: T): Exclude<T, UndefinedValue> {
  if (v instanceof UndefinedValue) throw new MissingVariable(v.path);
  return v as Exclude<T, UndefinedValue>;
}
