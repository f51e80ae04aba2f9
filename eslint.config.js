// @ts-check
/**
 * Lint for the whole repository (`npm run lint`, also run by scripts/test.sh before the tests).
 *
 * TypeScript files get typescript-eslint's strict-type-checked set (type-aware, through the
 * project service and tsconfig.json); JavaScript files (bin/, scripts/, test fixtures) get
 * ESLint's recommended set. Every rule turned off or relaxed below says why. The layer rules at
 * the end keep the dependency direction of README.md ("CLI → engine → transports; modules see
 * only the module API"); test/build/layers.test.ts proves each of them fires.
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Node's globals that the JavaScript files use (ESLint knows no environment by default). */
const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  performance: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
};

// ---- layers -------------------------------------------------------------------------------
// `no-restricted-imports` matches the import specifier as written, so relative escapes are
// spelled per directory depth: a file `d` directories below a root leaves it with d + 1 `../`.
// It checks `import`, `import type` and `export … from`; a dynamic `import()` is not checked.

/** `../` exactly n times, as a regular expression. */
const up = (n) => `(?:\\.\\./){${n}}`;
/** Deepest directory level below src/modules and modules/ that the blocks below cover (now 2). */
const MAX_DEPTH = 5;
const depths = [...Array(MAX_DEPTH + 1).keys()];
/** The glob of the TypeScript files exactly `depth` directories below `root`. */
const atDepth = (root, depth) => `${root}/${'*/'.repeat(depth)}*.ts`;

/** The npm packages modules may use besides node: built-ins (the ones they use today). */
const MODULE_PACKAGES = ['fast-xml-parser', 'p-limit', 'smol-toml'];
const packageNames = (names) => names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');

const toCli = {
  regex: '^(?:\\.\\./)+cli/',
  message: 'The engine and the modules never import the CLI: dependencies point CLI → engine → transports.',
};

/** src/modules: their own files, the module API (src/engine/module.ts), node: and MODULE_PACKAGES. */
const builtinModuleLayers = depths.map((depth) => ({
  files: [atDepth('src/modules', depth)],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^${up(depth + 1)}(?!engine/module\\.js$)`,
            message: 'Modules see only the module API: import it from engine/module.js (re-export there what a module legitimately needs), never engine internals or the CLI.',
          },
          {
            regex: `^(?!node:|\\.|(?:${packageNames(MODULE_PACKAGES)})$)`,
            message: 'Modules use node: built-ins and the npm packages in MODULE_PACKAGES (eslint.config.js); hosts, transports and the engine are reached through ctx.',
          },
        ],
      },
    ],
  },
}));

/** modules/ (a project's own modules): tsplay's public API by its package name, node: and MODULE_PACKAGES. */
const projectModuleLayers = depths.map((depth) => ({
  files: [atDepth('modules', depth)],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^${up(depth + 1)}`,
            message: "Project modules import tsplay's public API as 'tsplay', never files of the engine.",
          },
          {
            regex: `^(?!node:|\\.|(?:tsplay|${packageNames(MODULE_PACKAGES)})$)`,
            message: "Project modules use 'tsplay', node: built-ins and the npm packages in MODULE_PACKAGES (eslint.config.js).",
          },
        ],
      },
    ],
  },
}));

const layers = [
  {
    files: ['src/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [toCli] }] },
  },
  {
    // after the engine block: for these files this one replaces it, so it repeats toCli
    files: ['src/engine/transport/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            toCli,
            {
              regex: '^(?:\\.\\./)+(?:inventory/|run/|run-playbooks\\.js$)',
              message: 'Transports know neither the inventory nor the executor: they get ConnectionSettings (transport/transport.ts) and read connection variables through transport/connection-vars.ts.',
            },
          ],
        },
      ],
    },
  },
  ...builtinModuleLayers,
  ...projectModuleLayers,
];

export default defineConfig(
  {
    // build output, caches of compiled project modules, coverage
    ignores: ['dist/**', 'node_modules/**', '.tsplay-cache/**', '**/.tsplay-cache/**', 'coverage/**'],
  },
  // an eslint-disable comment that no longer disables anything is an error, not a warning:
  // `eslint .` reports nothing at all, or fails
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // tsconfig has noUncheckedIndexedAccess: `xs[i]!` right after a length or bounds check is
      // the project's way of saying "this index exists" (docs/testing.md shows `hosts[0]!`);
      // rewriting every one into a runtime check would add branches that cannot be taken.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // async functions that implement a Promise-returning contract (Connection.exec, module
      // check/apply, sinks' close) without awaiting are on purpose: a throw inside becomes a
      // rejection, which is what their callers handle. Dropping `async` would turn those into
      // synchronous throws; the rule has no option for "implements a Promise contract".
      '@typescript-eslint/require-await': 'off',
      // numbers in messages (`${n} hosts`, `line ${line}`) are the common case and print as
      // expected; everything else (objects, unknown, nullish) stays refused.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `(t) => (out += t)` callbacks, and `case 'x': return this.#print(...)` in a function that
      // itself returns void, are the sinks' and tests' idiom: nothing reads those values. Void
      // values used anywhere else (assigned, passed, tested) are still reported.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      // `catch (e) { reject(e) }` passes a caught value on, whatever it is; creating a rejection
      // from something that is not an Error is still reported.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // an underscore marks a parameter or binding kept for its position or to leave it out of a
      // rest (`{ handlers: _h, ...rest }`), as tsconfig's noUnusedParameters allows.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // lab and server fixtures are declared `let host: LabHost` and set in beforeAll; afterAll's
      // `await host?.stop()` guards a beforeAll that failed half-way, which the declared type
      // cannot say. Nearly every report in test/ is that guard.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    files: ['test/doubles/nsx/*.test.ts', 'test/lab/kube-apiserver.test.ts', 'test/lab/kube-controller.test.ts'],
    rules: {
      // the own tests of the NSX emulator, the test Kubernetes API server and its controller read
      // arbitrary fields of their JSON answers (NSX's test-client.ts Reply.body, the API server's
      // objects through getJson) as `any` on purpose (`got.body.rules[0].unique_id`,
      // `deploy.status.conditions[0].reason`); typing each read would bury the assertions.
      // Everywhere else these rules stay on.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  ...layers,
);
