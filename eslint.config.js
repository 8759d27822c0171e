// ESLint with typescript-eslint's type-checked rules over src/, rules/, test/, bench/ and scripts/.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'oclif.manifest.json', 'schema/**', 'docs/**', 'tmp/**']},
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      // test/tsconfig.json covers src, rules, test and bench; the root one is the build's
      parserOptions: {project: ['./tsconfig.json', './test/tsconfig.json'], tsconfigRootDir: import.meta.dirname},
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
      // async is required by the interfaces implemented (oclif hooks and catch, lazy format loaders, stream openers)
      '@typescript-eslint/require-await': 'off',
      // functions passed around here are closures (ctx.notEvaluated, lineOf), none uses `this`
      '@typescript-eslint/unbound-method': 'off',
      // String() is applied to YAML/JSON scalars read from outputs; objects are rendered with JSON.stringify
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // The simulator, the collectors and their tests handle raw Kubernetes JSON (client-node types many
    // answers as any): member access on it is checked by zod where it enters the snapshot, not here.
    files: ['src/sim/**', 'src/collect/**', 'test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
)
