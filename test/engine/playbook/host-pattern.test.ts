import { describe, expect, it } from 'vitest';
import { hostPatternProblem } from '../../../src/engine/playbook/host-pattern.js';

describe('hostPatternProblem', () => {
  it.each(['all', 'web', 'web:&prod:!db1', 'web,db', 'web[0:2]', 'web[-1]', '*.example.com', '~web\\d+', '{{ target }}', '10.0.0.1'])('accepts %s', (p) => {
    expect(hostPatternProblem(p)).toBeUndefined();
  });
  it.each([
    ['web:&', "'&' is not followed"],
    ['web:', 'ends with a separator'],
    ['web::db', 'empty pattern'],
    ['&web', "'&' needs a pattern before it"],
    ['web[0:2', "unbalanced '['"],
    ['~web(', 'not a valid regular expression'],
    ['web db', 'contains a space'],
    ['', 'empty'],
  ])('rejects %s', (p, text) => {
    expect(hostPatternProblem(p)).toContain(text);
  });
});
