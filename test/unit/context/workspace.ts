/** Temp copies of the context fixtures, so tests can edit files and keep caches without touching the repo. */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodeWorkspaceFiles } from '../../../src/core/host/nodeWorkspaceFiles';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'context');

export interface TempWorkspace {
  root: string;
  files: NodeWorkspaceFiles;
  cacheDir: string;
  write(relative: string, text: string): void;
  dispose(): void;
}

export function tempWorkspace(fixture: 'ts-shop' | 'py-shop' | 'polyglot'): TempWorkspace {
  const base = mkdtempSync(path.join(tmpdir(), 'rg-context-'));
  const root = path.join(base, 'ws');
  cpSync(path.join(FIXTURES, fixture), root, { recursive: true });
  const write = (relative: string, text: string): void => {
    const abs = path.join(root, relative);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  };
  // Files the fixture's .gitignore excludes cannot live in this repository (git ignores them
  // there too), so each copy gets them here.
  if (fixture === 'ts-shop') {
    write('generated/schema.ts', 'export function generatedOnlyHelper(): number {\n  return 42;\n}\n');
    write('src/settings.local.ts', "export const localOnlySetting = 'ignored by *.local.ts';\n");
  } else if (fixture === 'py-shop') {
    write('build/generated.py', 'def generated_only_helper():\n    return 42\n');
  }
  if (fixture === 'polyglot') {
    // TSX would be type-checked with the repository's own tsconfig (no JSX there), so it is written here.
    write(
      'web/Price.tsx',
      "import { formatPrice } from './lib';\n\nexport function Price(props: { cents: number }) {\n  return <span>{formatPrice(props.cents)}</span>;\n}\n\nexport function Cart() {\n  return <Price cents={100} />;\n}\n",
    );
  }
  return {
    root,
    files: new NodeWorkspaceFiles(root),
    cacheDir: path.join(base, 'cache'),
    write,
    dispose: () => rmSync(base, { recursive: true, force: true }),
  };
}
