// ESLint: the recommended rules of JavaScript, typescript-eslint (its type-checked set too: floating
// promises, unsafe any, needless assertions) and eslint-plugin-svelte (runes included), for the
// engine, the shells, the page and the tests. `npm run lint` runs it and
// Prettier's check; `npm run format` rewrites the code in the house style (.prettierrc.json).
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

/**
 * typescript-eslint's type-checked rules alone: its configs also set the parser (which .svelte
 * files must keep) and core-rule overrides meant for .ts files only.
 */
const typeCheckedRules = Object.fromEntries(
  ts.configs.recommendedTypeCheckedOnly
    .flatMap((config) => Object.entries(config.rules ?? {}))
    .filter(([rule]) => rule.startsWith('@typescript-eslint/')),
);

export default ts.config(
  { ignores: ['dist/', 'node_modules/', 'models/', 'docs/', 'sweeps/', 'src/core/ops/wasm/kernels.wasm.ts', 'scratch*', 'scratchpage/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  { languageOptions: { globals: { ...globals.browser, ...globals.node } } },
  { files: ['**/*.svelte', '**/*.svelte.ts'], languageOptions: { parserOptions: { parser: ts.parser } } },
  {
    files: ['**/*.ts', '**/*.svelte'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname, extraFileExtensions: ['.svelte'] } },
    rules: typeCheckedRules,
  },
  {
    rules: {
      // TypeScript checks names (DOM types such as BlobPart included); ESLint's copy only misfires.
      'no-undef': 'off',
      // `_name` marks a value taken apart on purpose (rest destructuring, unused callback arguments).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Tests read JSON printed by the CLI and values returned from the page, untyped by nature; what
    // they hold is what the assertions check.
    files: ['tests/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
