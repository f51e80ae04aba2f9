/**
 * Exit statuses, as ansible-playbook's. A file of its own with no imports: `tsplay --version`
 * (src/cli/main.ts) reads it without loading the error catalogue or the engine.
 */
export const ExitCode = {
  ok: 0,
  error: 1,
  hostFailed: 2,
  hostUnreachable: 3,
  parseError: 4,
  badOptions: 5,
  interrupted: 99,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
