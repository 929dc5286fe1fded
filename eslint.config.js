// ESLint: typescript-eslint and eslint-plugin-vue on the code, Prettier for the layout, and the
// house's import boundaries (README, "Architecture"): core imports nothing of electron/ or
// renderer/; renderer reaches core only through the shared modules listed below; nothing imports upward.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/** The modules of core/ the renderer may import: types and pure helpers, no Node. */
export const SHARED_CORE = [
  '@core/lab/contract',
  '@core/lab/schemas',
  '@core/engine/spec',
  '@core/engine/reports',
  '@core/engine/activations',
  '@core/engine/losses',
  '@core/engine/validate',
  '@core/engine/target-profile',
  '@core/data/scaling',
  '@core/inspect/colour',
  '@core/inspect/metrics',
  '@core/inspect/mnist-preprocess',
];

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'crypto',
  'zlib',
  'stream',
  'url',
  'util',
  'events',
];

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'core/engine/wasm/build/**',
      'assembly/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `typeof import('…')` stays allowed: vi.mock and tsImport need the module's type without importing it.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'vue', 'pinia', 'chart.js'].map((name) => ({
            name,
            message: 'core/ runs in Node, workers and the CLI: no Electron, Vue or DOM.',
          })),
          patterns: [
            { group: ['**/electron/**', '**/renderer/**', '@renderer/*'], message: 'core/ imports nothing of electron/ or renderer/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron'].map((name) => ({ name, message: 'The renderer reaches the main process only through window.lab.' })),
          patterns: [
            { group: NODE_BUILTINS, message: 'The renderer has no Node: ask the main process through window.lab.' },
            { group: ['**/electron/**'], message: 'The renderer imports nothing of electron/.' },
            { group: ['**/core/**'], message: 'Import core through the @core alias.' },
            {
              regex: `^@core/(?!(${SHARED_CORE.map((m) => m.slice('@core/'.length)).join('|')})$)`,
              message: 'Only the shared modules of core/ (eslint.config.js, SHARED_CORE) may be imported by the renderer.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/renderer/**', '@renderer/*'], message: 'The main process imports nothing of the renderer.' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests look for terminal escape codes on purpose.
      'no-control-regex': 'off',
    },
  },
  prettier,
);
