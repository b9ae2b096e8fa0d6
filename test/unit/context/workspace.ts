/** Temp copies of the context fixtures, so tests can edit files and keep caches without touching the repo. */
import * as path from 'node:path';
import type { NodeWorkspaceFiles } from '../../../src/core/host/nodeWorkspaceFiles';
import { TempWorkspace as Workspace } from '../../support/tempWorkspace';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'context');

export interface TempWorkspace {
  root: string;
  files: NodeWorkspaceFiles;
  cacheDir: string;
  write(relative: string, text: string): void;
  dispose(): void;
}

export function tempWorkspace(fixture: 'ts-shop' | 'py-shop' | 'polyglot'): TempWorkspace {
  // The workspace is a subfolder, so the cache beside it is outside the workspace.
  const ws = new Workspace({ fixture: path.join(FIXTURES, fixture), prefix: 'rg-context-', subfolder: 'ws' });
  const write = (relative: string, text: string): void => ws.write(relative, text);
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
  return { root: ws.root, files: ws.files, cacheDir: path.join(ws.base, 'cache'), write, dispose: () => ws.dispose() };
}
