// One lint setup for the whole repository (flat config).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'data/**',
      '.cache/**',
      '**/dist/**',
      'artifacts/**',
      'miniprogram/.generated/**',
      'miniprogram/.swc/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'off',
    },
  },
  {
    // Type-checked rules where promises carry the work (server, shared, bot): a promise nobody awaits
    // loses its error, one passed where a callback returning void is expected (an event handler, a
    // Koa `app.on`) runs unobserved. Deliberate fire-and-forget is written `void work(); // why`.
    files: ['server/src/**/*.ts', 'shared/src/**/*.ts', 'bot/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // The mini-program under the same type-checked rules. Two allowances, both on the app's own error
    // path: Taro's toast and navigation calls are fire-and-forget UI (their promise rejects only on a
    // programming error such as an unknown page, which the runtime logs), and an async handler given to a
    // JSX attribute (`onClick={async () => …}`) is fine because requests show their error as a toast
    // (services/request.ts) before they reject. Any other promise must be awaited or handled.
    files: ['miniprogram/src/**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: '@tarojs/taro',
              name: ['showToast', 'reLaunch', 'navigateTo', 'redirectTo', 'switchTab', 'navigateBack'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The Taro app runs in the browser (H5) and the WeChat runtime; Babel's config is CommonJS.
    files: ['miniprogram/**/*.{ts,tsx}'],
    languageOptions: {
      globals: {
        defineAppConfig: 'readonly',
        definePageConfig: 'readonly',
        window: 'readonly',
        document: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        __dirname: 'readonly',
      },
    },
  },
  {
    files: ['miniprogram/babel.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable' } },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // chai's `expect(x).to.be.true` style is an expression statement by design
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
);
