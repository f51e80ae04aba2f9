/**
 * The layer rules of eslint.config.js (README: "CLI → engine → transports; modules see only the
 * module API") fire where they should and nowhere else. Each row lints a snippet as if it were
 * the file named, through ESLint's Node API with the repository's own config; only
 * no-restricted-imports runs, and without type information, so the rows need no files on disk.
 */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

const eslint = new ESLint({
  cwd: ROOT,
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
});

/** The messages no-restricted-imports reports for `code` linted as `file`, one per offending import. */
async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, file) });
  return (result?.messages ?? []).map((m) => `${m.line}: ${m.message}`);
}

interface Row {
  readonly file: string;
  readonly imports: string;
  /** the lines (1-based) whose import is refused, with a part of the message */
  readonly refused: readonly (readonly [line: number, says: string])[];
}

const MODULE_API = 'Modules see only the module API';
const MODULE_PACKAGES = 'Modules use node: built-ins and the npm packages in MODULE_PACKAGES';
const PROJECT_API = "Project modules import tsplay's public API as 'tsplay'";
const PROJECT_PACKAGES = "Project modules use 'tsplay', node: built-ins";
const NO_CLI = 'never import the CLI';
const TRANSPORT = 'Transports know neither the inventory nor the executor';

const rows: Record<string, Row> = {
  'a built-in module: the module API, its siblings, node: and its npm packages pass': {
    file: 'src/modules/example.ts',
    imports: [
      "import { defineModule, type HostContext } from '../engine/module.js';",
      "import { mode } from './support/mode.js';",
      "import { files } from './probes/files.js';",
      "import { readFile } from 'node:fs/promises';",
      "import { parse } from 'smol-toml';",
    ].join('\n'),
    refused: [],
  },
  'a built-in module: engine internals, the CLI and other npm packages are refused': {
    file: 'src/modules/example.ts',
    imports: [
      "import { TsplayError } from '../engine/errors.js';",
      "import type { Connection } from '../engine/transport/transport.js';",
      "import { runCli } from '../cli/run-cli.js';",
      "import { Client } from 'ssh2';",
      "export * from '../engine/run/task-runner.js';",
      "import { Type } from '@sinclair/typebox';",
    ].join('\n'),
    refused: [
      [1, MODULE_API],
      [2, MODULE_API],
      [3, MODULE_API],
      [4, MODULE_PACKAGES],
      [5, MODULE_API],
      [6, MODULE_PACKAGES],
    ],
  },
  'a module helper two levels down: the same rules at its depth': {
    file: 'src/modules/support/nsx/example.ts',
    imports: [
      "import type { HttpReader } from '../../../engine/module.js';",
      "import { aptGet } from '../apt-commands.js';",
      "import { files } from '../../probes/files.js';",
      "import { OMIT } from '../../../engine/run/omit.js';",
      "import { builtinModules } from '../../../index.js';",
      "import { Secret } from '../../../../src/engine/secret.js';",
    ].join('\n'),
    refused: [
      [4, MODULE_API],
      [5, MODULE_API],
      [6, MODULE_API],
    ],
  },
  "a project module: 'tsplay', node: and the npm packages pass; engine files are refused": {
    file: 'modules/example.ts',
    imports: [
      "import { defineModule, Type } from 'tsplay';",
      "import { join } from 'node:path';",
      "import { helper } from './lib.js';",
      "import { ModuleFailure } from '../src/engine/module.js';",
      "import { Client } from 'ssh2';",
      "import { x } from 'tsplay/dist/engine/run/task-runner.js';",
    ].join('\n'),
    refused: [
      [4, PROJECT_API],
      [5, PROJECT_PACKAGES],
      [6, PROJECT_PACKAGES],
    ],
  },
  'a transport: its own files and the engine core pass; inventory, executor and CLI are refused': {
    file: 'src/engine/transport/http/example.ts',
    imports: [
      "import { TsplayError } from '../../errors.js';",
      "import { Secret } from '../../secret.js';",
      "import type { ConnectionSettings } from '../transport.js';",
      "import { ConnectionVarError, connectionVar } from '../connection-vars.js';",
      "import { connectionSettings } from '../../inventory/connection.js';",
      "import type { RunContext } from '../../run/run-context.js';",
      "import { runPlaybooks } from '../../run-playbooks.js';",
      "import { runCli } from '../../../cli/run-cli.js';",
    ].join('\n'),
    refused: [
      [5, TRANSPORT],
      [6, TRANSPORT],
      [7, TRANSPORT],
      [8, NO_CLI],
    ],
  },
  'a transport directly in transport/: the same at its depth': {
    file: 'src/engine/transport/example.ts',
    imports: ["import type { Vars } from '../inventory/model.js';", "import { x } from '../run/x.js';", "import { y } from '../../cli/y.js';"].join('\n'),
    refused: [
      [1, TRANSPORT],
      [2, TRANSPORT],
      [3, NO_CLI],
    ],
  },
  'the engine: anything but the CLI': {
    file: 'src/engine/run/example.ts',
    imports: [
      "import { loadInventory } from '../inventory/index.js';",
      "import { builtinModules } from '../../modules/index.js';",
      "import type { CliIO } from '../../cli/run-cli.js';",
    ].join('\n'),
    refused: [[3, NO_CLI]],
  },
  'the CLI and the tests are not restricted': {
    file: 'src/cli/example.ts',
    imports: ["import { runPlaybooks } from '../engine/run-playbooks.js';", "import { Client } from 'ssh2';"].join('\n'),
    refused: [],
  },
};

describe('layer rules (eslint.config.js)', () => {
  it.each(Object.entries(rows))('%s', async (_name, row) => {
    const messages = await restricted(row.file, `${row.imports}\n`);
    expect(messages.map((m) => Number(m.split(':')[0]))).toEqual(row.refused.map(([line]) => line));
    for (const [i, [, says]] of row.refused.entries()) expect(messages[i]).toContain(says);
  });

  it('the sources as they are break none of them', async () => {
    const results = await eslint.lintFiles(['src/**/*.ts', 'modules/**/*.ts']);
    const found = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line}: ${m.message}`));
    expect(found).toEqual([]);
    expect(results.length).toBeGreaterThan(100);
  });
});
