import * as path from 'node:path';
import type { WorkspaceFiles } from '../ports';

/**
 * Where a project keeps its tests and how it names them, read from the test files it already has,
 * so that a generated module's test goes where the project's test command looks for it
 * (`node --test` finds `test/*.test.js`, pytest `tests/test_*.py`). The model may choose the test
 * file's name, but only within this convention.
 */
export interface TestConvention {
  /** The folder tests live under ('test', 'tests', 'src/__tests__'), or undefined: beside the module. */
  folder: string | undefined;
  style: TestNameStyle;
  /** The extension of the project's tests for this language ('.js', '.ts', '.py'). */
  extension: string;
  /** A test file for the module under the convention: the name offered to the model. */
  suggested: string;
  /** An existing test file of the convention, shown to the model as an example of the project's style. */
  example: string | undefined;
  /** "a new file under test/ named like *.test.js" */
  describe: string;
  /** Whether a path is a test file of this convention. */
  matches(path: string): boolean;
}

export type TestNameStyle = 'dot-test' | 'dot-spec' | 'test-prefix' | 'test-suffix';

const TEST_FOLDERS = new Set(['test', 'tests', '__tests__', 'spec', 'specs']);
/** Source extensions whose tests may be written in any of the family's extensions. */
const FAMILIES: readonly (readonly string[])[] = [
  ['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx'],
  ['.py'],
  ['.go'],
  ['.rs'],
  ['.java'],
];
/** Files looked at; a bigger workspace's first ones say enough about its habits. */
const MAX_FILES = 20_000;

interface Seen {
  folder: string | undefined;
  style: TestNameStyle;
  extension: string;
  files: string[];
}

export async function testConventionFor(files: WorkspaceFiles, modulePath: string): Promise<TestConvention> {
  const ext = path.posix.extname(modulePath).toLowerCase();
  const family = FAMILIES.find((f) => f.includes(ext)) ?? [ext];
  const listed = files.list ? (await files.list('')).slice(0, MAX_FILES) : [];
  const groups = new Map<string, Seen>();
  for (const file of listed) {
    const fileExt = path.posix.extname(file).toLowerCase();
    if (!family.includes(fileExt)) continue;
    const style = styleOf(path.posix.basename(file));
    if (!style) continue;
    const folder = testFolderOf(file);
    // A test beside its module only counts as the "beside" habit when it is not under a test folder.
    const key = `${folder ?? ''}\0${style}\0${fileExt}`;
    const seen = groups.get(key) ?? { folder, style, extension: fileExt, files: [] };
    seen.files.push(file);
    groups.set(key, seen);
  }
  const moduleDir = path.posix.dirname(modulePath);
  const best = [...groups.values()].sort(
    (a, b) => b.files.length - a.files.length || closeness(b, moduleDir) - closeness(a, moduleDir) || keyOf(a).localeCompare(keyOf(b)),
  )[0];
  const chosen = best ?? defaultConvention(ext);
  return convention(chosen, modulePath, best?.files.find((f) => path.posix.dirname(f) === moduleDir) ?? best?.files[0]);
}

function keyOf(s: Seen): string {
  return `${s.folder ?? ''}/${s.style}${s.extension}`;
}

/** How many leading path segments the group's folder shares with the module's. */
function closeness(s: Seen, moduleDir: string): number {
  const a = (s.folder ?? moduleDir).split('/');
  const b = moduleDir.split('/');
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function styleOf(base: string): TestNameStyle | undefined {
  const lower = base.toLowerCase();
  if (/\.test\.[a-z]+$/.test(lower)) return 'dot-test';
  if (/\.spec\.[a-z]+$/.test(lower)) return 'dot-spec';
  if (/^test_.+\.py$/.test(lower)) return 'test-prefix';
  if (/.+_test\.(py|go)$/.test(lower) || /.+test\.java$/.test(lower)) return 'test-suffix';
  return undefined;
}

/** The path up to and including its first test folder segment, or undefined when it has none. */
function testFolderOf(file: string): string | undefined {
  const parts = file.split('/').slice(0, -1);
  const i = parts.findIndex((p) => TEST_FOLDERS.has(p.toLowerCase()));
  return i < 0 ? undefined : parts.slice(0, i + 1).join('/');
}

function defaultConvention(ext: string): Seen {
  if (ext === '.py') return { folder: 'tests', style: 'test-prefix', extension: '.py', files: [] };
  if (ext === '.go') return { folder: undefined, style: 'test-suffix', extension: '.go', files: [] };
  if (ext === '.java') return { folder: undefined, style: 'test-suffix', extension: '.java', files: [] };
  return { folder: 'test', style: 'dot-test', extension: ext || '.js', files: [] };
}

function testName(moduleBase: string, style: TestNameStyle, extension: string): string {
  switch (style) {
    case 'dot-test':
      return `${moduleBase}.test${extension}`;
    case 'dot-spec':
      return `${moduleBase}.spec${extension}`;
    case 'test-prefix':
      return `test_${moduleBase}${extension}`;
    case 'test-suffix':
      return extension === '.java' ? `${moduleBase}Test${extension}` : `${moduleBase}_test${extension}`;
  }
}

function pattern(style: TestNameStyle, extension: string): string {
  return testName('*', style, extension);
}

function convention(seen: Seen, modulePath: string, example: string | undefined): TestConvention {
  const moduleDir = path.posix.dirname(modulePath);
  const moduleBase = path.posix.basename(modulePath, path.posix.extname(modulePath));
  const dir = seen.folder ?? (moduleDir === '.' ? '' : moduleDir);
  const name = testName(moduleBase, seen.style, seen.extension);
  const where = seen.folder === undefined ? `beside ${modulePath}` : `under ${seen.folder}/`;
  return {
    folder: seen.folder,
    style: seen.style,
    extension: seen.extension,
    suggested: dir ? `${dir}/${name}` : name,
    example,
    describe: `a new file ${where} named like ${pattern(seen.style, seen.extension)}`,
    matches(candidate: string): boolean {
      const candidateDir = path.posix.dirname(candidate);
      const inPlace =
        seen.folder === undefined ? candidateDir === (moduleDir === '' ? '.' : moduleDir) : candidate.startsWith(`${seen.folder}/`);
      const base = path.posix.basename(candidate);
      return inPlace && styleOf(base) === seen.style && path.posix.extname(base).toLowerCase() === seen.extension;
    },
  };
}
