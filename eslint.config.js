import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', 'test-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'path', 'process', 'node:fs', 'node:path', 'node:process'].map((name) => ({
            name,
            message: 'Only the CLI touches the file system (DESIGN.md §1).',
          })),
        },
      ],
    },
  },
  {
    files: ['packages/cli/**', 'packages/testkit/**', 'scripts/**', '**/test/**', '*.js'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
)
