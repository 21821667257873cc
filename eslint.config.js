// ESLint: code style plus the layer rules dependency-cruiser cannot see. Which folder may
// import which (core <- ml <- workers <- store <- app <- components, scene on core only, no
// cycles) lives in one place, .dependency-cruiser.cjs (`npm run lint:deps`). Here: core/ and
// ml/ must not touch DOM globals, and the React hooks rules for the views.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'dist',
      'node_modules',
      'public',
      'test-results',
      'bench-results',
      // Deliberate layer breaches for tests/unit/layer-rules.test.ts, not project code.
      'tests/fixtures',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    languageOptions: { globals: { ...globals.es2021 } },
    rules: {
      'no-restricted-globals': [
        'error',
        'window',
        'document',
        'navigator',
        'self',
        'fetch',
        'localStorage',
      ],
    },
  },
  {
    files: ['src/ml/**/*.ts', 'bench/measure/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage'],
    },
  },
  {
    files: ['src/components/**/*.{ts,tsx}', 'src/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
    },
  },
);
