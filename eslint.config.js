// ESLint: typescript-eslint and eslint-plugin-vue on the code, Prettier for the layout, and the
// house's import boundaries (README, "Architecture"): core imports nothing of electron/ or
// renderer/; renderer reaches core only through the shared modules listed below; nothing imports upward.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import { builtinModules } from 'node:module';

/** The modules of core/ the renderer may import: types and pure helpers, no Node. */
export const SHARED_CORE = [
  '@core/lab/contract',
  '@core/lab/schemas',
  '@core/engine/spec',
  '@core/engine/notation',
  '@core/engine/reports',
  '@core/engine/schedules',
  '@core/engine/sweep',
  '@core/engine/activations',
  '@core/engine/losses',
  '@core/engine/validate',
  '@core/engine/shapes',
  '@core/engine/target-profile',
  '@core/model/limits',
  '@core/service/runs/checkpoint-policy',
  '@core/data/scaling',
  '@core/inspect/errors',
  '@core/inspect/mnist-preprocess',
];

/** Node's own modules, bare and `node:`-prefixed, with their subpaths (fs/promises). */
const NODE_BUILTINS = ['node:*', ...builtinModules.flatMap((name) => [name, `${name}/*`])];

/** An import of the renderer's own folder `folder`, by alias or relative path ('@renderer/stores/runs', '../stores/runs', '../lab'). */
const rendererPath = (folder) => `^(@renderer/|(\\.\\.?/)+)${folder}(/|$)`;

/** What every file of the renderer may not import; each layer adds its own rules to these. */
const RENDERER_PATTERNS = [
  { group: NODE_BUILTINS, message: 'The renderer has no Node: ask the main process through window.lab.' },
  { group: ['**/electron/**'], message: 'The renderer imports nothing of electron/.' },
  { group: ['**/core/**'], message: 'Import core through the @core alias.' },
  {
    regex: `^@core/(?!(${SHARED_CORE.map((m) => m.slice('@core/'.length)).join('|')})$)`,
    message: 'Only the shared modules of core/ (eslint.config.js, SHARED_CORE) may be imported by the renderer.',
  },
];
const RENDERER_PATHS = ['electron'].map((name) => ({ name, message: 'The renderer reaches the main process only through window.lab.' }));

/** The renderer's layers (README, "Architecture"): model/ (pure logic) ← stores/ ← components/; lab.ts is for stores. */
const RENDERER_LAYERS = [
  {
    files: ['renderer/src/model/**/*.ts'],
    paths: ['vue', 'pinia'].map((name) => ({ name, message: 'model/ is plain TypeScript: no Vue, no Pinia (state belongs in stores/).' })),
    patterns: [
      { regex: rendererPath('(stores|components)'), message: 'model/ imports neither stores nor components: they import it.' },
      { regex: rendererPath('lab'), message: 'model/ does not call the lab: stores do, through lab.ts.' },
      { regex: '\\.vue$', message: 'model/ imports no components.' },
    ],
  },
  {
    files: ['renderer/src/stores/**/*.ts'],
    paths: [],
    patterns: [{ regex: `${rendererPath('components')}|\\.vue$`, message: 'Stores import no components: components import stores.' }],
  },
  {
    files: ['renderer/src/components/**/*.{ts,vue}', 'renderer/src/App.vue'],
    paths: [],
    patterns: [{ regex: rendererPath('lab'), message: 'Components reach the lab through a store (stores call lab.ts).' }],
  },
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
    rules: { 'no-restricted-imports': ['error', { paths: RENDERER_PATHS, patterns: RENDERER_PATTERNS }] },
  },
  // One object per layer repeats the common rules: a later `no-restricted-imports` replaces an earlier one.
  ...RENDERER_LAYERS.map(({ files, paths, patterns }) => ({
    files,
    rules: {
      'no-restricted-imports': ['error', { paths: [...RENDERER_PATHS, ...paths], patterns: [...RENDERER_PATTERNS, ...patterns] }],
    },
  })),
  {
    // window.lab is reached through lab.ts alone (its useLab and attempt), so every call gets the same error handling.
    files: ['renderer/**/*.{ts,vue}'],
    ignores: ['renderer/src/lab.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'window', property: 'lab', message: 'Call the lab through lab.ts (attempt, useLab).' },
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
