import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CoverageResult, CoverageSetup, FileCoverage, ToolOptions } from './lineCoverage';

/**
 * Line coverage of JavaScript (and TypeScript run with a source map) from V8's own block coverage.
 * NODE_V8_COVERAGE rather than c8: no dependency, nothing to wrap around the user's command, and
 * every node process the command starts inherits it (`node --test` runs each file in a child).
 * Each process writes coverage-<pid>-….json there when it exits normally (a killed one writes none).
 */

interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface FunctionCoverage {
  ranges: Range[];
}
interface SourceMapEntry {
  /** Lengths of the generated source's lines; node splits on \n, \u2028 and \u2029. */
  lineLengths: number[];
  data: { mappings?: unknown; sources?: unknown; sourceRoot?: unknown } | null;
  /** The map's own URL; null for an inline map. */
  url: string | null;
}
interface Script {
  url: string;
  functions: FunctionCoverage[];
  map?: SourceMapEntry;
}

const TYPESCRIPT = new Set(['.ts', '.tsx', '.mts', '.cts']);
const NO_NODE = 'the test command ran no node process with coverage';

export async function prepareV8(opts: ToolOptions): Promise<CoverageSetup> {
  return { env: { NODE_V8_COVERAGE: opts.dir }, collect: () => collectV8(opts) };
}

async function collectV8(opts: ToolOptions): Promise<CoverageResult> {
  const result: CoverageResult = { files: new Map(), unmeasured: new Map() };
  // Only scripts of the sandbox, or with a map that may name its files: a run's node_modules are most of the rest.
  const reports = await readReports(opts.dir, (s) => s.map !== undefined || toPath(s.url, undefined, opts) !== undefined);
  if (reports.found === 0 || reports.read === 0) {
    const why = reports.found === 0 ? NO_NODE : 'node wrote coverage that could not be read';
    for (const f of opts.files) result.unmeasured.set(f.path, why);
    return result;
  }
  // npm, a wrapper script or a bundler may be node while the tests run elsewhere (bun, deno, a
  // browser): unless node loaded some file of the project itself, "no line ran" would be a guess.
  const projectRan = reports.scripts.some((script) => {
    const rel = toPath(script.url, undefined, opts);
    return rel !== undefined && !/(^|\/)node_modules\//.test(rel);
  });
  if (!projectRan && !reports.scripts.some((script) => script.map !== undefined)) {
    for (const f of opts.files)
      result.unmeasured.set(f.path, 'node ran, but loaded none of the project’s files: the tests run outside node');
    return result;
  }
  const asked = new Set(opts.files.map((f) => f.path));
  const direct = new Map<string, Script[]>();
  const mapped = new Map<string, { script: Script; sources: Set<number> }[]>();
  let typescriptMapped = false;
  for (const script of reports.scripts) {
    const rel = toPath(script.url, undefined, opts);
    if (rel && asked.has(rel)) push(direct, rel, script);
    const sources = Array.isArray(script.map?.data?.sources) ? (script.map.data.sources as unknown[]) : [];
    const bySource = new Map<string, Set<number>>();
    sources.forEach((s, i) => {
      const srcRel = typeof s === 'string' ? toPath(s, sourceBase(script), opts) : undefined;
      if (!srcRel) return;
      if (TYPESCRIPT.has(path.extname(srcRel).toLowerCase())) typescriptMapped = true;
      if (asked.has(srcRel)) bySource.set(srcRel, (bySource.get(srcRel) ?? new Set()).add(i));
    });
    for (const [srcRel, indices] of bySource) push(mapped, srcRel, { script, sources: indices });
  }

  for (const f of opts.files) {
    const text = stripBom(await fs.readFile(f.abs, 'utf8').catch(() => f.text));
    const lines = splitLines(text);
    const code = codeLines(lines);
    const isTs = TYPESCRIPT.has(path.extname(f.path).toLowerCase());
    const acc = { executed: new Set<number>(), executable: new Set<number>(), ran: false, measured: false };
    if (!isTs) {
      for (const script of direct.get(f.path) ?? []) {
        if (scriptLength(script) !== text.length) continue; // a transformed copy: its offsets are not the file's
        measureDirect(script, lines, code, acc);
      }
    }
    for (const { script, sources } of mapped.get(f.path) ?? []) measureMapped(script, sources, code, acc);
    const verdict = acc.measured
      ? coverage(acc.executed, acc.executable, acc.ran)
      : unmeasured(direct.has(f.path), isTs, code, typescriptMapped);
    if (typeof verdict === 'string') result.unmeasured.set(f.path, verdict);
    else result.files.set(f.path, verdict);
  }
  return result;
}

/** What is known of a file no script measured: a reason, or that no test loaded it. */
function unmeasured(ran: boolean, isTs: boolean, code: Set<number>, typescriptMapped: boolean): FileCoverage | string {
  if (ran) return isTs ? 'TypeScript that node ran without a source map' : 'node ran a transformed copy of it without a source map';
  if (!isTs) return coverage(new Set(), code, false);
  // Not loaded, if TypeScript ran with maps at all; else it may have run compiled, without one.
  if (typescriptMapped) return { tool: 'v8', executed: new Set(), ranFunctionBody: false };
  return 'no TypeScript ran with a source map, so whether node ran it compiled cannot be told';
}

function coverage(executed: Set<number>, executable: Set<number>, ran: boolean): FileCoverage {
  return { tool: 'v8', executed, executable, ranFunctionBody: ran };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

interface Accumulator {
  executed: Set<number>;
  executable: Set<number>;
  ran: boolean;
  measured: boolean;
}

/** A script that is the file as node loaded it: offsets index the file's own text. */
function measureDirect(script: Script, lines: Line[], code: Set<number>, acc: Accumulator): void {
  const numbers = [...code];
  const counts = countsAt(
    script.functions,
    numbers.map((n) => firstNonBlank(lines[n - 1]!)),
  );
  numbers.forEach((n, i) => {
    acc.executable.add(n);
    if (counts[i]! > 0) acc.executed.add(n);
  });
  // The first function is the script itself; any other that ran is a function body that ran.
  acc.ran ||= script.functions.slice(1).some((fn) => fn.ranges.some((r) => r.count > 0));
  acc.measured = true;
}

/**
 * A script whose source map names the file: each original line is judged at the generated
 * position of its leftmost mapped column, and only lines with a mapping can execute (a
 * TypeScript interface has none).
 */
function measureMapped(script: Script, sources: Set<number>, code: Set<number>, acc: Accumulator): void {
  const map = script.map!;
  const lineStarts = [0];
  for (const len of map.lineLengths) lineStarts.push(lineStarts.at(-1)! + len + 1);
  if (lineStarts.at(-1)! - 1 !== scriptLength(script)) return; // the map does not describe this source
  let segments: Segment[];
  try {
    segments = decodeMappings(typeof map.data?.mappings === 'string' ? map.data.mappings : '');
  } catch {
    return;
  }
  const leftmost = new Map<number, { column: number; index: number }>();
  segments.forEach((s, index) => {
    if (!sources.has(s.source)) return;
    const best = leftmost.get(s.line);
    if (!best || s.column < best.column) leftmost.set(s.line, { column: s.column, index });
  });
  const lines = [...leftmost.keys()].map((l) => l + 1).filter((n) => code.has(n));
  const offsets = segments.map((s) => (lineStarts[s.genLine] ?? Number.NaN) + s.genColumn);
  const counts = countsAt(
    script.functions,
    lines.map((n) => offsets[leftmost.get(n - 1)!.index]!),
  );
  lines.forEach((n, i) => {
    acc.executable.add(n);
    if (counts[i]! > 0) acc.executed.add(n);
  });
  // Functions the compiler added (module helpers) map to no line of the file, so they do not count.
  acc.ran ||= script.functions.slice(1).some((fn) => {
    const start = fn.ranges[0];
    if (!start || !fn.ranges.some((r) => r.count > 0)) return false;
    const s = segmentAt(segments, offsets, lineStarts, start.startOffset);
    return s !== undefined && sources.has(s.source);
  });
  acc.measured = true;
}

/**
 * The count at each offset: that of the innermost range containing it. V8's ranges nest (a
 * function's ranges inside it, functions inside their parents), so after sorting by start (the
 * larger first on a tie), a stack of the open ranges has the innermost on top.
 */
export function countsAt(functions: readonly FunctionCoverage[], offsets: readonly number[]): number[] {
  const ranges = functions.flatMap((f) => f.ranges).sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
  const order = offsets.map((_, i) => i).sort((a, b) => offsets[a]! - offsets[b]!);
  const counts = new Array<number>(offsets.length).fill(0);
  const open: Range[] = [];
  let next = 0;
  for (const i of order) {
    const q = offsets[i]!;
    if (Number.isNaN(q)) continue;
    while (next < ranges.length && ranges[next]!.startOffset <= q) open.push(ranges[next++]!);
    while (open.length > 0 && open.at(-1)!.endOffset <= q) open.pop();
    counts[i] = open.at(-1)?.count ?? 0;
  }
  return counts;
}

interface Line {
  start: number;
  text: string;
}

/** Lines as editors count them (\r\n, \r or \n), each with its offset in UTF-16 code units. */
function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const breaks = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
    lines.push({ start, text: text.slice(start, m.index) });
    start = m.index + m[0].length;
  }
  lines.push({ start, text: text.slice(start) });
  return lines;
}

function firstNonBlank(line: Line): number {
  const m = /\S/.exec(line.text);
  return line.start + (m ? m.index : 0);
}

/**
 * 1-based lines with code: not blank, not only a comment (a `//` line, or a line inside, opening or
 * closing a block comment and nothing else), not a hashbang. Strings and template literals are
 * skipped so a `/*` inside one opens nothing; regular expression literals are not told apart, a
 * rare `/*` in one can hide the lines after it.
 */
export function codeLines(lines: readonly Line[]): Set<number> {
  const code = new Set<number>();
  let state: 'code' | 'block' | 'template' = 'code';
  lines.forEach(({ text }, i) => {
    if (i === 0 && text.startsWith('#!')) return;
    let hasCode = state === 'template';
    let quote = '';
    for (let j = 0; j < text.length; j++) {
      const c = text[j]!;
      if (state === 'block') {
        if (c === '*' && text[j + 1] === '/') {
          state = 'code';
          j++;
        }
      } else if (state === 'template') {
        if (c === '\\') j++;
        else if (c === '`') state = 'code';
      } else if (quote) {
        if (c === '\\') j++;
        else if (c === quote) quote = '';
      } else if (c === '/' && text[j + 1] === '/') break;
      else if (c === '/' && text[j + 1] === '*') {
        state = 'block';
        j++;
      } else if (!/\s/.test(c)) {
        hasCode = true;
        if (c === '"' || c === "'") quote = c;
        else if (c === '`') state = 'template';
      }
    }
    if (hasCode) code.add(i + 1);
  });
  return code;
}

/** Every parsed coverage-*.json's scripts, with their source maps attached. */
async function readReports(dir: string, keep: (s: Script) => boolean): Promise<{ found: number; read: number; scripts: Script[] }> {
  const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => /^coverage-.*\.json$/.test(n));
  const scripts: Script[] = [];
  let read = 0;
  for (const name of names) {
    let report: { result?: unknown; 'source-map-cache'?: Record<string, SourceMapEntry> };
    try {
      report = JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')) as typeof report;
    } catch {
      continue; // cut short by a process killed while writing it
    }
    if (!Array.isArray(report.result)) continue;
    read++;
    const maps = report['source-map-cache'] ?? {};
    for (const s of report.result as Script[]) {
      if (typeof s.url !== 'string' || !Array.isArray(s.functions) || s.functions.length === 0) continue;
      const map = Object.hasOwn(maps, s.url) ? maps[s.url] : undefined;
      const script = map && Array.isArray(map.lineLengths) ? { ...s, map } : s;
      if (keep(script)) scripts.push(script);
    }
  }
  return { found: names.length, read, scripts };
}

/** Length of the source as V8 ran it: the end of the script function's range. */
function scriptLength(script: Script): number {
  return script.functions[0]?.ranges[0]?.endOffset ?? -1;
}

/** Workspace-relative path of a file:// URL or absolute path (a map's source: relative to `base`). */
function toPath(spec: string, base: string | undefined, opts: ToolOptions): string | undefined {
  try {
    if (path.isAbsolute(spec)) return opts.relative(spec);
    const url = base ? new URL(spec, base) : new URL(spec);
    return url.protocol === 'file:' ? opts.relative(fileURLToPath(url)) : undefined;
  } catch {
    return undefined; // node:internal names, data: URLs
  }
}

/** What a map's sources are relative to: its sourceRoot, under the map's URL (or the script's, inline). */
function sourceBase(script: Script): string {
  const base = script.map?.url ?? script.url;
  const root = script.map?.data?.sourceRoot;
  if (typeof root !== 'string' || root === '') return base;
  try {
    return new URL(root.endsWith('/') ? root : `${root}/`, base).href;
  } catch {
    return base;
  }
}

function stripBom(text: string): string {
  // Node drops a byte order mark before compiling, so offsets count from after it.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** One mapping: a generated position and, unless source is -1, the original one (0-based). */
interface Segment {
  genLine: number;
  genColumn: number;
  source: number;
  line: number;
  column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** The segments of a source map's `mappings` (base64 VLQ), in generated order. */
export function decodeMappings(mappings: string): Segment[] {
  const segments: Segment[] = [];
  const pos = { genLine: 0, genColumn: 0, source: 0, line: 0, column: 0 };
  let fields: number[] = [];
  let value = 0;
  let shift = 0;
  const end = () => {
    if (fields.length > 0) pos.genColumn += fields[0]!;
    if (fields.length >= 4) {
      pos.source += fields[1]!;
      pos.line += fields[2]!;
      pos.column += fields[3]!;
      segments.push({ ...pos });
    } else if (fields.length > 0) segments.push({ ...pos, source: -1 });
    fields = [];
  };
  for (const c of mappings) {
    if (c === ',' || c === ';') {
      end();
      if (c === ';') {
        pos.genLine += 1;
        pos.genColumn = 0;
      }
      continue;
    }
    const digit = DIGIT.get(c);
    if (digit === undefined) throw new Error(`Not a source map mapping character: ${c}`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) shift += 5;
    else {
      fields.push(value % 2 ? -Math.floor(value / 2) : Math.floor(value / 2));
      value = 0;
      shift = 0;
    }
  }
  end();
  return segments;
}

/** The segment in force at a generated offset: the last one at or before it on the same line. */
function segmentAt(
  segments: readonly Segment[],
  offsets: readonly number[],
  lineStarts: readonly number[],
  offset: number,
): Segment | undefined {
  let lo = 0;
  let hi = segments.length - 1;
  let found: Segment | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid]! <= offset) {
      found = segments[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // What comes before a line's first segment is unmapped: a segment maps to the end of its line at most.
  return found && offset < (lineStarts[found.genLine + 1] ?? Infinity) ? found : undefined;
}
