// The few rules that catch real bugs in this codebase, not a style guide (Prettier owns layout).
// Type-aware rules use the project service: one TypeScript program for the whole tree, so the
// cost stays close to one `tsc --noEmit`.
import tseslint from 'typescript-eslint';

const vscodeOutOfTheEngine = {
  paths: [{ name: 'vscode', message: 'The engine and the CLI never import vscode: put editor code under src/vscode behind a port.' }],
  patterns: [
    { group: ['**/vscode/**', '../vscode/*', '../../vscode/*'], message: 'The engine and the CLI never import the editor adapter.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test/fixtures/', '.vscode-test/', 'media/', '**/*.d.mts'] },
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its error: a failed write that reports nothing.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async callback where a void one is expected (event handlers, forEach) drops its rejection.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-unsafe-finally': 'error',
      'no-self-compare': 'error',
      'no-cond-assign': ['error', 'except-parens'],
      'no-constant-binary-expression': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', vscodeOutOfTheEngine] },
  },
);
