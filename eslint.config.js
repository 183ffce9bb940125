import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // What the sync server does with every change: an object spread and then added to
    // (`{ ...base, kind }`) takes Node 20 many times as long as a literal and lands in the old
    // generation, where only a full collection frees it (README, "Sync").
    files: [
      'server/src/sync/**/*.ts',
      'server/src/storage/**/*.ts',
      'server/src/projection/**/*.ts',
      'server/src/audit/**/*.ts',
      'shared/board/record.ts',
      'shared/board/records.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ObjectExpression > SpreadElement ~ Property',
          message:
            'On the sync path, write the object as a literal (or spread last): in Node 20 an object spread and then added to is slow and lands in the old generation.',
        },
      ],
    },
  },
  prettier,
);
