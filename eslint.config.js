// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    ignores: [
      'src/sources/**',
      'src/cli/**',
      'src/servers/**',
      'src/http/**',
      'src/lab/**',
      'src/workers/**',
      'src/**/*.test.ts',
    ],
    rules: {
      // Pure core: I/O lives at the rim only (STYLE.md "Pure core, I/O at the rim").
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*'],
              message:
                'The core is pure: no node:* imports outside src/sources, src/cli, src/servers, src/http, src/lab, src/workers.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The core reads no env, argv or clock.' },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
