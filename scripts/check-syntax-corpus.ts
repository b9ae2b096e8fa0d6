/**
 * Proves the syntax gate against real code:
 * `npx tsx scripts/check-syntax-corpus.ts [--sample N] [--seed S] [--verbose] [--no-tree-sitter]`.
 *
 * (a) every module of this machine's Python standard library, (b) every TS/TSX/JS/JSX source in
 *     node_modules: the file-level check must report no syntax error on valid files (a false
 *     positive fails the run);
 * (c) a sample of those files, broken on purpose four ways: each broken copy must be blocked by the
 *     gate (before = the original, after = the copy). A copy the mutation left valid (a bracket
 *     deleted inside a string) is told apart by the language's own compiler, independent of the
 *     gate where one exists: CPython's compile() for Python, V8 (`node --check`) for JavaScript,
 *     `ts.transpileModule` for TypeScript;
 * (d) JSON in node_modules (JSON.parse is the oracle; a false positive fails the run), and for
 *     information the other tree-sitter languages found on this machine.
 * Exits 1 on any false positive or miss.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { languageOf, type LanguageId } from '../src/core/languages';
import { silentLogger } from '../src/core/ports';
import { syntaxErrors, syntaxGate } from '../src/core/validate/syntax';
import type { GateContext } from '../src/core/validate/gate';
import { seededRandom as mulberry32 } from '../test/support/seededRandom';
import { parseGateSettings } from '../src/core/validate/gateSettings';

const ROOT = path.resolve(__dirname, '..');

interface CorpusFile {
  abs: string;
  /** Relative to its corpus root, for messages. */
  rel: string;
  language: LanguageId;
  text: string;
}

// ---------- (a) the Python standard library ----------

/**
 * Folders and files of the standard library that are invalid on purpose. A file matching one is
 * skipped only when CPython itself rejects it (`python3 -m py_compile`); one it accepts is checked.
 */
const DELIBERATELY_INVALID: { pattern: RegExp; why: string }[] = [
  { pattern: /^lib2to3\/tests\/data\//, why: 'Python 2 fixtures for the 2to3 converter' },
  { pattern: /(^|\/)badsyntax_[^/]*\.py$/, why: 'test_future_stmt/tokenize fixtures that must fail to compile' },
  { pattern: /^test\/tokenizedata\/bad_coding[^/]*\.py$/, why: 'tokenizer fixtures with a broken coding declaration' },
];

function pythonStdlib(): {
  root: string;
  files: CorpusFile[];
  skipped: { rel: string; why: string; confirmedInvalid: boolean }[];
  undecodable: string[];
} {
  const root = run('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])']).stdout.trim();
  const files: CorpusFile[] = [];
  const skipped: { rel: string; why: string; confirmedInvalid: boolean }[] = [];
  const undecodable: string[] = [];
  // site-packages holds third-party packages installed into this Python, not the standard library.
  for (const abs of walk(root, (dir) => path.basename(dir) !== 'site-packages' && path.basename(dir) !== '__pycache__')) {
    if (!abs.endsWith('.py')) continue;
    const rel = path.relative(root, abs).split(path.sep).join('/');
    const bad = DELIBERATELY_INVALID.find((d) => d.pattern.test(rel));
    if (bad) {
      const confirmedInvalid = !pyCompileFile(abs);
      if (confirmedInvalid) {
        skipped.push({ rel, why: bad.why, confirmedInvalid });
        continue;
      }
    }
    const text = decodePython(readFileSync(abs));
    if (text === undefined) undecodable.push(rel);
    else files.push({ abs, rel, language: 'python', text });
  }
  return { root, files, skipped, undecodable };
}

/** `python3 -m py_compile`, with its .pyc sent to a temporary folder rather than into the stdlib. */
function pyCompileFile(abs: string): boolean {
  return run('python3', ['-m', 'py_compile', abs], { env: { ...process.env, PYTHONPYCACHEPREFIX: pycacheDir() } }).status === 0;
}

let pycache: string | undefined;
function pycacheDir(): string {
  return (pycache ??= mkdtempSync(path.join(tmpdir(), 'syntax-corpus-pyc-')));
}

/** UTF-8, or the PEP 263 coding named in the first two lines; the caller strips a BOM. */
function decodePython(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 400).toString('latin1').split('\n').slice(0, 2).join('\n');
  const cookie = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/m.exec(head)?.[1];
  try {
    const text = new TextDecoder(cookie ?? 'utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}

// ---------- (b) TS/TSX/JS/JSX in node_modules ----------

const SCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx'];

function nodeModulesSources(): CorpusFile[] {
  const root = path.join(ROOT, 'node_modules');
  const files: CorpusFile[] = [];
  for (const abs of walk(root, (dir) => path.basename(dir) !== '.bin')) {
    if (!SCRIPT_EXTENSIONS.some((e) => abs.endsWith(e))) continue;
    const language = languageOf(abs);
    if (!language) continue;
    let text = readFileSync(abs, 'utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    files.push({ abs, rel: path.relative(root, abs).split(path.sep).join('/'), language, text });
  }
  return files;
}

// ---------- (c) deliberately broken copies ----------

type Mutation = 'delete-closing-bracket' | 'cut-mid-block' | 'stray-token' | 'unterminated-string';
const MUTATIONS: Mutation[] = ['delete-closing-bracket', 'cut-mid-block', 'stray-token', 'unterminated-string'];

function mutate(text: string, language: LanguageId, kind: Mutation, rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const lines = text.split('\n');
  const codeLines = lines.map((l, i) => ({ l, i })).filter(({ l }) => l.trim() !== '' && !/^\s*(#|\/\/|\*|\/\*)/.test(l));
  const python = language === 'python';
  switch (kind) {
    case 'delete-closing-bracket': {
      const at: number[] = [];
      for (let i = 0; i < text.length; i++) if (')]}'.includes(text[i]!)) at.push(i);
      if (at.length === 0) return text + (python ? '\n(\n' : '\n{\n');
      const i = pick(at);
      return text.slice(0, i) + text.slice(i + 1);
    }
    case 'cut-mid-block': {
      // Python blocks have no closing token, so cut right after a block header; braces elsewhere.
      const opener = python ? /^\s*(async\s+)?(def|class|if|elif|else|for|while|try|except|finally|with|match|case)\b.*:\s*$/ : /\{\s*$/;
      const heads = lines.map((l, i) => ({ l, i })).filter(({ l }) => opener.test(l));
      if (heads.length > 0) return lines.slice(0, pick(heads).i + 1).join('\n') + '\n';
      // No header line ends one: cut right after any opening brace (`{ a: 1 }` on one line).
      const braces: number[] = [];
      for (let i = 0; i < text.length; i++) if (text[i] === (python ? '(' : '{')) braces.push(i);
      return braces.length > 0 ? text.slice(0, pick(braces) + 1) + '\n' : lines.slice(0, Math.floor(lines.length / 2)).join('\n');
    }
    case 'stray-token': {
      const { l, i } = pick(codeLines);
      const indent = /^\s*/.exec(l)![0];
      const token = pick([')', 'else', '=']);
      return [...lines.slice(0, i), `${indent}${token} ${l.slice(indent.length)}`, ...lines.slice(i + 1)].join('\n');
    }
    case 'unterminated-string': {
      const { l, i } = pick(codeLines);
      const indent = /^\s*/.exec(l)![0];
      return [...lines.slice(0, i), `${indent}"unterminated`, ...lines.slice(i)].join('\n');
    }
  }
}

/** The language's own verdict on a mutated copy: true when its compiler rejects it. */
async function compilerRejects(items: { language: LanguageId; abs: string; text: string }[]): Promise<boolean[]> {
  const out: boolean[] = new Array(items.length).fill(false);
  const py = items.map((it, i) => ({ it, i })).filter(({ it }) => it.language === 'python');
  if (py.length > 0) {
    const verdicts = pythonCompileMany(py.map(({ it }) => it.text));
    py.forEach(({ i }, k) => (out[i] = !verdicts[k]));
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'syntax-corpus-js-'));
  try {
    for (const [i, it] of items.entries()) {
      if (it.language === 'javascript' || it.language === 'jsx') out[i] = !nodeCheck(dir, it.abs, it.text);
      else if (it.language !== 'python') out[i] = transpileRejects(it.abs, it.text);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** CPython's compile() on each source, in one process; true where it compiles. */
function pythonCompileMany(sources: string[]): boolean[] {
  const script = [
    'import sys, json, warnings',
    "warnings.simplefilter('ignore')",
    'for line in sys.stdin:',
    '    src = json.loads(line)',
    '    try:',
    "        compile(src, '<mutant>', 'exec', dont_inherit=True); print('ok')",
    '    except Exception:',
    "        print('bad')",
  ].join('\n');
  const res = run('python3', ['-c', script], { input: sources.map((s) => JSON.stringify(s)).join('\n') + '\n' });
  const verdicts = res.stdout.trim().split('\n');
  if (verdicts.length !== sources.length) throw new Error(`python3 compile helper failed: ${res.stderr.split('\n')[0]}`);
  return verdicts.map((v) => v === 'ok');
}

/** V8's parser through `node --check`, in a folder whose package.json matches the original's module type. */
function nodeCheck(dir: string, original: string, text: string): boolean {
  const type = nearestPackageType(original);
  const sub = path.join(dir, type);
  if (!existsSync(sub)) {
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'package.json'), JSON.stringify({ type }));
  }
  const file = path.join(sub, 'mutant' + path.extname(original));
  writeFileSync(file, text);
  return run(process.execPath, ['--check', file]).status === 0;
}

function nearestPackageType(file: string): 'module' | 'commonjs' {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        return (JSON.parse(readFileSync(pj, 'utf8')) as { type?: string }).type === 'module' ? 'module' : 'commonjs';
      } catch {
        continue;
      }
    }
  }
  return 'commonjs';
}

function transpileRejects(fileName: string, text: string): boolean {
  // transpileModule emits nothing for a declaration file and fails; its text parses as a plain .ts.
  const name = fileName.replace(/\.d\.([mc]?ts)$/, '.$1');
  const out = ts.transpileModule(text, { fileName: name, reportDiagnostics: true, compilerOptions: {} });
  return (out.diagnostics ?? []).some((d) => d.category === ts.DiagnosticCategory.Error);
}

// ---------- running ----------

interface FalsePositive {
  rel: string;
  first: string;
  /** For JavaScript: whether V8 also rejects the file (then it is a true error, not a false one). */
  engineRejects?: boolean;
}

async function checkCorpus(files: CorpusFile[]): Promise<{ perLanguage: Map<LanguageId, number>; flagged: FalsePositive[]; ms: number }> {
  const perLanguage = new Map<LanguageId, number>();
  const flagged: FalsePositive[] = [];
  const t = performance.now();
  for (const f of files) {
    perLanguage.set(f.language, (perLanguage.get(f.language) ?? 0) + 1);
    const errors = await syntaxErrors(f.language, f.text, { path: f.abs });
    if (errors.length > 0) {
      const e = errors[0]!;
      flagged.push({ rel: f.rel, first: `${e.line}:${e.column} ${e.code} ${e.message}` });
    }
  }
  return { perLanguage, flagged, ms: performance.now() - t };
}

const gateContext: GateContext = {
  files: { root: ROOT, read: async () => undefined, writeAtomic: async () => {}, remove: async () => {}, stat: async () => undefined },
  logger: silentLogger,
  instruction: 'syntax corpus check',
  trusted: false,
  settings: parseGateSettings(),
};

interface MutantResult {
  rel: string;
  language: LanguageId;
  mutation: Mutation;
  blocked: boolean;
  compilerRejects: boolean;
  first?: string;
}

async function checkMutants(sample: CorpusFile[], seed: number): Promise<MutantResult[]> {
  const rand = mulberry32(seed);
  const mutants: { f: CorpusFile; mutation: Mutation; text: string }[] = [];
  for (const f of sample) for (const m of MUTATIONS) mutants.push({ f, mutation: m, text: mutate(f.text, f.language, m, rand) });
  const rejects = await compilerRejects(mutants.map(({ f, text }) => ({ language: f.language, abs: f.abs, text })));
  const results: MutantResult[] = [];
  for (const [i, { f, mutation, text }] of mutants.entries()) {
    const res = await syntaxGate.check([{ path: f.rel, language: f.language, before: f.text, after: text }], gateContext);
    const blocking = res.findings.filter((x) => x.introduced && x.severity === 'error');
    results.push({
      rel: f.rel,
      language: f.language,
      mutation,
      blocked: blocking.length > 0,
      compilerRejects: rejects[i]!,
      first: blocking[0] ? `${blocking[0].line}:${blocking[0].column} ${blocking[0].code} ${blocking[0].message}` : undefined,
    });
  }
  return results;
}

/**
 * `perLanguage` files of each language, 200 B to 100 KB, chosen by a seeded shuffle that takes
 * from every folder in turn, so hundreds of near-identical generated files (one package ships one
 * per tokenizer model) do not crowd out the rest.
 */
function sampleOf(files: CorpusFile[], perLanguage: number, seed: number): CorpusFile[] {
  const rand = mulberry32(seed);
  const byLang = new Map<LanguageId, Map<string, CorpusFile[]>>();
  for (const f of files) {
    if (f.text.length < 200 || f.text.length > 100_000) continue;
    const folders = byLang.get(f.language) ?? new Map<string, CorpusFile[]>();
    byLang.set(f.language, folders);
    const folder = path.posix.dirname(f.rel);
    folders.set(folder, [...(folders.get(folder) ?? []), f]);
  }
  const shuffle = <T>(xs: T[]): T[] =>
    xs
      .map((x) => ({ x, k: rand() }))
      .sort((a, b) => a.k - b.k)
      .map((e) => e.x);
  const out: CorpusFile[] = [];
  for (const folders of byLang.values()) {
    const queues = shuffle([...folders.values()].map((list) => shuffle(list)));
    const picked: CorpusFile[] = [];
    while (picked.length < perLanguage && queues.some((q) => q.length > 0)) {
      for (const q of queues) if (q.length > 0 && picked.length < perLanguage) picked.push(q.shift()!);
    }
    out.push(...picked);
  }
  return out;
}

// ---------- (d) tree-sitter-only languages, on what this machine has ----------

/**
 * JSON in node_modules, with JSON.parse as the oracle: a tree-sitter error on a file JSON.parse
 * accepts is a false positive and fails the run. The other tree-sitter languages are reported for
 * information only: a grammar can flag valid code, which the gate tolerates in an edited file
 * (only introduced errors block) but not in a new one. Shell scripts get `bash -n` as their oracle.
 */
async function treeSitterLanguages(perLanguage: number, seed: number): Promise<{ failed: boolean }> {
  let failed = false;
  const json = [...walk(path.join(ROOT, 'node_modules'), (dir) => path.basename(dir) !== '.bin')].filter((f) => f.endsWith('.json'));
  let strict = 0;
  const jsonFalse: string[] = [];
  for (const abs of json) {
    const text = readFileSync(abs, 'utf8').replace(/^\uFEFF/, '');
    try {
      JSON.parse(text);
    } catch {
      continue;
    }
    strict++;
    const errors = await syntaxErrors('json', text);
    if (errors.length > 0) jsonFalse.push(`${path.relative(ROOT, abs)} ${errors[0]!.line}:${errors[0]!.column} ${errors[0]!.message}`);
  }
  console.log(`(d) JSON in node_modules that JSON.parse accepts: ${strict} files; false syntax errors: ${jsonFalse.length}`);
  for (const f of jsonFalse) console.log(`    FALSE POSITIVE ${f}`);
  failed ||= jsonFalse.length > 0;

  const found = run('find', [
    '/usr',
    '/opt',
    '/root',
    '-xdev',
    '(',
    '-name',
    'node_modules',
    '-o',
    '-name',
    '.cache',
    ')',
    '-prune',
    '-o',
    '-type',
    'f',
    '-print',
  ])
    .stdout.split('\n')
    .filter((f) => f !== '');
  const byLang = new Map<LanguageId, string[]>();
  for (const f of found) {
    const lang = languageOf(f);
    if (!lang || ['python', 'javascript', 'jsx', 'typescript', 'tsx', 'json'].includes(lang)) continue;
    byLang.set(lang, [...(byLang.get(lang) ?? []), f]);
  }
  const rand = mulberry32(seed);
  console.log(`    other tree-sitter languages, files found under /usr, /opt and /root (up to ${perLanguage * 5} each), for information:`);
  for (const [lang, all] of [...byLang].sort()) {
    const files = all
      .map((f) => ({ f, k: rand() }))
      .sort((a, b) => a.k - b.k)
      .slice(0, perLanguage * 5)
      .map((x) => x.f);
    let flagged = 0;
    let oracleAccepts = 0;
    const examples: string[] = [];
    for (const abs of files) {
      const bytes = readFileSync(abs);
      if (bytes.length > 1_000_000) continue;
      const errors = await syntaxErrors(lang, bytes.toString('utf8').replace(/^\uFEFF/, ''));
      if (errors.length === 0) continue;
      flagged++;
      if (lang === 'bash' && run('bash', ['-n', abs]).status === 0) oracleAccepts++;
      if (examples.length < 2) examples.push(`${abs}:${errors[0]!.line}:${errors[0]!.column} ${errors[0]!.message}`);
    }
    const oracle = lang === 'bash' ? `, of which \`bash -n\` accepts ${oracleAccepts}` : '';
    console.log(
      `    ${lang.padEnd(6)} ${String(files.length).padStart(4)} files, ${flagged} with a tree-sitter error${oracle}${examples.length ? '; e.g. ' + examples.join(' | ') : ''}`,
    );
  }
  return { failed };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: number): number => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const perLanguage = opt('--sample', 50);
  const seed = opt('--seed', 20261121);
  let failed = false;

  // (a)
  const stdlib = pythonStdlib();
  console.log(`(a) Python standard library: ${stdlib.root}`);
  for (const s of stdlib.skipped)
    console.log(`    skipped ${s.rel}: ${s.why}; py_compile rejects it: ${s.confirmedInvalid ? 'yes' : 'NO'}`);
  if (stdlib.undecodable.length > 0) console.log(`    not decodable (${stdlib.undecodable.length}): ${stdlib.undecodable.join(', ')}`);
  const py = await checkCorpus(stdlib.files);
  console.log(`    checked ${stdlib.files.length} files in ${(py.ms / 1000).toFixed(1)} s; false syntax errors: ${py.flagged.length}`);
  for (const f of py.flagged)
    console.log(
      `    FALSE POSITIVE ${f.rel} ${f.first} (py_compile ${pyCompileFile(path.join(stdlib.root, f.rel)) ? 'accepts' : 'also rejects'})`,
    );
  failed ||= py.flagged.length > 0;

  // (b)
  const scripts = nodeModulesSources();
  const js = await checkCorpus(scripts);
  console.log(`(b) node_modules sources: ${[...js.perLanguage].map(([l, n]) => `${l} ${n}`).join(', ')} in ${(js.ms / 1000).toFixed(1)} s`);
  for (const l of ['tsx', 'jsx'] as const)
    if (!js.perLanguage.has(l)) console.log(`    no .${l} file exists in node_modules; ${l} is covered by the unit tests only`);
  console.log(`    false syntax errors: ${js.flagged.length}`);
  for (const f of js.flagged) console.log(`    FALSE POSITIVE ${f.rel} ${f.first}`);
  failed ||= js.flagged.length > 0;

  // (c)
  const sample = sampleOf([...stdlib.files, ...scripts], perLanguage, seed);
  const mutants = await checkMutants(sample, seed);
  console.log(`(c) broken copies of ${sample.length} sampled files (${perLanguage} per language, seed ${seed}):`);
  console.log('    language    mutation                 copies  blocked  still-valid  missed  false-positive');
  const key = (m: MutantResult): string => `${m.language}\u0000${m.mutation}`;
  const groups = new Map<string, MutantResult[]>();
  for (const m of mutants) groups.set(key(m), [...(groups.get(key(m)) ?? []), m]);
  for (const [k, ms] of [...groups].sort()) {
    const [language, mutation] = k.split('\u0000');
    const count = (p: (m: MutantResult) => boolean): number => ms.filter(p).length;
    console.log(
      `    ${language!.padEnd(11)} ${mutation!.padEnd(24)} ${String(ms.length).padStart(6)} ${String(count((m) => m.blocked && m.compilerRejects)).padStart(8)} ${String(count((m) => !m.blocked && !m.compilerRejects)).padStart(12)} ${String(count((m) => !m.blocked && m.compilerRejects)).padStart(7)} ${String(count((m) => m.blocked && !m.compilerRejects)).padStart(15)}`,
    );
  }
  if (args.includes('--verbose')) {
    for (const v of mutants.filter((x) => !x.blocked && !x.compilerRejects))
      console.log(`    still valid: ${v.language} ${v.mutation} ${v.rel}`);
  }
  for (const m of mutants.filter((x) => x.blocked !== x.compilerRejects)) {
    console.log(`    ${m.blocked ? 'FALSE POSITIVE' : 'MISSED'} ${m.language} ${m.mutation} ${m.rel}${m.first ? ' ' + m.first : ''}`);
    failed = true;
  }
  const caught = mutants.filter((m) => m.blocked && m.compilerRejects).length;
  const broken = mutants.filter((m) => m.compilerRejects).length;
  console.log(`    caught ${caught} of ${broken} broken copies; ${mutants.length - broken} copies were still valid per the compiler`);
  if (!args.includes('--no-tree-sitter')) failed = (await treeSitterLanguages(perLanguage, seed)).failed || failed;
  console.log(failed ? 'FAIL' : 'OK: no false syntax error, no missed broken copy');
  if (pycache) rmSync(pycache, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

// ---------- helpers ----------

function* walk(dir: string, enter: (dir: string) => boolean): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const abs = path.join(dir, name);
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) {
      if (enter(abs)) yield* walk(abs, enter);
    } else if (st.isFile()) yield abs;
  }
}

function run(
  cmd: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: opts.input, env: opts.env, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

main().catch((err: unknown) => {
  console.error(`check-syntax-corpus: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
