/** Errors leaving a run are redacted like its events, and stay the errors they were. */
import { describe, expect, it } from 'vitest';
import { errorReport, NoHostsError, ParseError, ValidationErrors } from '../../../src/engine/errors.js';
import { redactError } from '../../../src/engine/run/redact-error.js';
import { MASK, Redactor } from '../../../src/engine/secret.js';

const S = 'hunter2-s3cret';

function redactor(): Redactor {
  const r = new Redactor();
  r.add(S);
  return r;
}

describe('redactError', () => {
  it('masks the message, hint and location of an error, which keeps its class, code and exit status', () => {
    const e = new ParseError('E_FILE_NOT_FOUND', `file not found: /srv/${S}.yml`, { location: { file: `/srv/${S}/site.yml`, line: 3, column: 5, field: `vars.${S}` }, hint: `check ${S}` });
    const out = redactError(e, redactor());
    expect(out).toBe(e);
    expect(e).toBeInstanceOf(ParseError);
    expect(e.code).toBe('E_FILE_NOT_FOUND');
    expect(e.exitCode).toBe(4);
    expect(e.location).toEqual({ file: `/srv/${MASK}/site.yml`, line: 3, column: 5, field: `vars.${MASK}` });
    expect(errorReport(e)).toBe(`/srv/${MASK}/site.yml:3:5 (vars.${MASK}): file not found: /srv/${MASK}.yml [E_FILE_NOT_FOUND]\n  hint: check ${MASK}`);
    expect(e.stack).not.toContain(S);
  });

  it('masks every error a ValidationErrors holds', () => {
    const e = new ValidationErrors([new NoHostsError(`no host ${S}`), new ParseError('E_YAML_SYNTAX', `bad ${S}`)]);
    redactError(e, redactor());
    expect(errorReport(e)).not.toContain(S);
    expect(errorReport(e)).toContain(`no host ${MASK}`);
  });

  it('masks an internal error, stack included (the CLI prints it), and what an AggregateError holds', () => {
    const inner = new Error(`token ${S}`);
    const e = new AggregateError([inner], `2 output sinks failed: ${S}`);
    redactError(e, redactor());
    for (const x of [e, inner]) {
      expect(x.message).not.toContain(S);
      expect(x.stack).not.toContain(S);
    }
  });

  it('masks a thrown string and leaves other thrown values alone', () => {
    expect(redactError(`oops ${S}`, redactor())).toBe(`oops ${MASK}`);
    expect(redactError(42, redactor())).toBe(42);
  });
});
