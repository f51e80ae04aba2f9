/**
 * The error catalogue (error-codes.ts) as text: `tsplay errors` lists it and
 * `tsplay errors --markdown` is docs/errors.md (a test keeps the two equal).
 */
import { ErrorCodes, type ErrorCode, type ErrorCodeInfo } from './error-codes.js';

export interface ErrorCodeDoc extends ErrorCodeInfo {
  readonly code: ErrorCode;
}

/** Every code, in catalogue order. */
export function errorCodeDocs(): ErrorCodeDoc[] {
  return (Object.entries(ErrorCodes) as [ErrorCode, ErrorCodeInfo][]).map(([code, info]) => ({ code, ...info }));
}

export function formatErrorCodeText(d: ErrorCodeDoc): string {
  const via = d.via ? ` (reported as ${d.via})` : '';
  return `${d.code}  exit ${d.exit}${via}\n  ${d.summary}\n  fix: ${d.fix}`;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function formatErrorsMarkdown(docs: readonly ErrorCodeDoc[]): string {
  const direct = docs.filter((d) => !d.via);
  const carried = docs.filter((d) => d.via);
  const out = [
    '# Error codes',
    '',
    'Generated from the catalogue in `src/engine/error-codes.ts` by `tsplay errors --markdown`; do not edit by hand.',
    '',
    'Every error tsplay stops on is printed as `ERROR! file:line:column (field): message [CODE]`, one line per',
    'error (all input errors are reported at once), followed by a hint where there is one. The exit status is the',
    "code's: 4 means the input was rejected before any host was contacted (nothing ran); 1 an error of the run",
    'itself; 2 a task failed on a host; 3 a host was unreachable; 5 bad command-line options; 99 interrupted.',
    '`tsplay errors CODE` prints one entry.',
    '',
    '| code | exit | what it means | typical fix |',
    '|---|---|---|---|',
    ...direct.map((d) => `| \`${d.code}\` | ${d.exit} | ${cell(d.summary)} | ${cell(d.fix)} |`),
    '',
    '## Inside a task',
    '',
    'These codes belong to errors a module or a transport raises while a task runs. The engine reports them as',
    "the code in the second column, with the error's message; the run's exit status is that code's.",
    '',
    '| code | reported as | exit | what it means | typical fix |',
    '|---|---|---|---|---|',
    ...carried.map((d) => `| \`${d.code}\` | \`${d.via}\` | ${d.exit} | ${cell(d.summary)} | ${cell(d.fix)} |`),
    '',
  ];
  return out.join('\n');
}
