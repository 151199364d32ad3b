// ESLint: the recommended rules of JavaScript, typescript-eslint and eslint-plugin-svelte (runes
// included), for the engine, the shells, the page and the tests. `npm run lint` runs it and
// Prettier's check; `npm run format` rewrites the code in the house style (.prettierrc.json).
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

export default ts.config(
  { ignores: ['dist/', 'node_modules/', 'models/', 'docs/', 'sweeps/', 'src/core/ops/wasm/kernels.wasm.ts', 'scratch*', 'scratchpage/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  { languageOptions: { globals: { ...globals.browser, ...globals.node } } },
  { files: ['**/*.svelte', '**/*.svelte.ts'], languageOptions: { parserOptions: { parser: ts.parser } } },
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
);
