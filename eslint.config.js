// Layer rules from ARCHITECTURE.md: core/ is pure math, ml/ has no DOM, scene/ has no models.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const frameworks = ['react', 'react-dom', 'three', 'zustand'];
const tfjs = ['@tensorflow/*'];

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'public', 'test-results', 'bench-results'] },
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
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...frameworks,
            ...tfjs,
            '**/ml/**',
            '**/workers/**',
            '**/store/**',
            '**/scene/**',
            '**/components/**',
          ],
        },
      ],
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
    files: ['src/ml/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...frameworks,
            '**/workers/**',
            '**/store/**',
            '**/scene/**',
            '**/components/**',
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage'],
    },
  },
  {
    files: ['src/scene/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...tfjs, '**/ml/**', '**/workers/**', '**/store/**'] },
      ],
    },
  },
  {
    // Benchmarks measure the app's own code (tfjs and ml/ welcome) but never draw its UI. The
    // shared measurement runs in Node and in a browser worker alike, so it touches no page.
    files: ['bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...frameworks, '**/components/**', '**/scene/**'] },
      ],
    },
  },
  {
    files: ['bench/measure/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...frameworks,
            '**/components/**',
            '**/scene/**',
            '**/store/**',
            '**/workers/**',
            '**/bench/node/**',
            '**/bench/browser/**',
            '../node/**',
            '../browser/**',
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage'],
    },
  },
  {
    files: ['src/components/**/*.{ts,tsx}', 'src/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [...tfjs, '**/ml/**'] }],
    },
  },
);
