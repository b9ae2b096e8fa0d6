import { collapseWhitespace, truncate } from '../text';

/**
 * Reads the failing tests out of a test run's output: pytest, unittest, mocha (spec), jest, node's
 * test runner (TAP and spec), go test, and TAP in general. Every reader runs on the whole output and
 * the failures of the ones that recognise it are merged, since `npm test` may run two frameworks.
 * Names only need to be stable between the baseline run and the candidate run of the same
 * command: they are compared, never shown as the runner's exact spelling.
 */

export interface TestFailure {
  /** The test's name, suites included where the output gives them ('Cart > totals prices'). */
  name: string;
  /** The assertion or error message, first lines only. */
  message: string;
  /** The runner that reported it. */
  framework: string;
  /** The test file, as the output names it (absolute paths are left to the caller to relativise). */
  file?: string;
  line?: number;
}

export interface TestReport {
  /** Whether any known format was recognised in the output. */
  recognized: boolean;
  frameworks: string[];
  /** Failures by name (first report wins when two readers name the same test). */
  failures: Map<string, TestFailure>;
}

interface Reader {
  framework: string;
  recognizes(text: string): boolean;
  failures(lines: string[]): TestFailure[];
}

const MAX_MESSAGE = 300;

export function parseTestOutput(output: string): TestReport {
  const text = output.replace(/\r\n?/g, '\n').replace(/\u001b\[[0-9;]*m/g, '');
  const lines = text.split('\n');
  const report: TestReport = { recognized: false, frameworks: [], failures: new Map() };
  for (const reader of READERS) {
    if (!reader.recognizes(text)) continue;
    report.recognized = true;
    report.frameworks.push(reader.framework);
    for (const f of reader.failures(lines)) if (!report.failures.has(f.name)) report.failures.set(f.name, f);
  }
  return report;
}

function clip(s: string): string {
  return truncate(collapseWhitespace(s), MAX_MESSAGE);
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * pytest: `FAILED tests/test_a.py::test_b - assert 1 == 2` lines of the short summary, with the
 * line from the failure's section (`_____ test_b _____` ... `tests/test_a.py:8: AssertionError`).
 */
const pytest: Reader = {
  framework: 'pytest',
  recognizes: (t) =>
    /^=+ .*\b(passed|failed|errors?|no tests ran)\b.* in [\d.]+s.* =+$/m.test(t) ||
    /^=+ short test summary info =+$/m.test(t) ||
    /^\d+ (?:passed|failed|errors?)(?:, \d+ \w+)* in [\d.]+s(?: \([\d:]+\))?$/m.test(t),
  failures(lines) {
    const locations = new Map<string, { file: string; line: number }[]>();
    let section: string | undefined;
    for (const line of lines) {
      const head = /^_{3,} (.+?) _{3,}$/.exec(line);
      if (head) {
        section = head[1]!;
        continue;
      }
      if (/^=+ /.test(line)) section = undefined;
      const at = section ? /^([^\s:][^:]*\.py):(\d+): \S/.exec(line) : null;
      if (at && section) locations.set(section, [...(locations.get(section) ?? []), { file: at[1]!, line: Number(at[2]) }]);
    }
    const out: TestFailure[] = [];
    for (const line of lines) {
      const m = /^(FAILED|ERROR) (\S+)(?: - (.*))?$/.exec(line);
      if (!m) continue;
      const nodeId = m[2]!;
      const file = nodeId.split('::')[0]!;
      const shortName = nodeId.split('::').slice(1).join('.');
      const places = locations.get(shortName) ?? [];
      const place = places.find((p) => p.file === file) ?? places[0];
      out.push({
        name: nodeId,
        message: clip(m[3] ?? (m[1] === 'ERROR' ? 'error while collecting or setting up' : 'failed')),
        framework: 'pytest',
        file,
        ...(place && place.file === file ? { line: place.line } : {}),
      });
    }
    return out;
  },
};

/** Python's unittest: `FAIL: test_x (module.Class.test_x)` blocks, the exception on their last line. */
const unittest: Reader = {
  framework: 'unittest',
  recognizes: (t) => /^Ran \d+ tests? in [\d.]+s$/m.test(t),
  failures(lines) {
    const out: TestFailure[] = [];
    for (let i = 0; i < lines.length; i++) {
      const m = /^(FAIL|ERROR): (.+)$/.exec(lines[i]!);
      if (!m || !/^=+$/.test(lines[i - 1] ?? '')) continue;
      let message = '';
      let file: string | undefined;
      let line: number | undefined;
      for (let j = i + 2; j < lines.length && !/^(?:=+|-+)$/.test(lines[j]!); j++) {
        const at = /^\s*File "(.+)", line (\d+)/.exec(lines[j]!);
        if (at) {
          file = at[1];
          line = Number(at[2]);
        } else if (lines[j]!.trim() !== '' && !/^\s/.test(lines[j]!) && !lines[j]!.startsWith('Traceback')) message = lines[j]!.trim();
      }
      out.push({ name: m[2]!, message: clip(message || m[1]!.toLowerCase()), framework: 'unittest', ...(file ? { file, line } : {}) });
    }
    return out;
  },
};

/** mocha's spec reporter: the numbered details after "N failing". */
const mocha: Reader = {
  framework: 'mocha',
  recognizes: (t) => /^\s+\d+ passing \(\d+m?s\)$/m.test(t),
  failures(lines) {
    const out: TestFailure[] = [];
    let i = lines.findIndex((l) => /^\s+\d+ failing$/.test(l));
    if (i < 0) return out;
    for (i++; i < lines.length; i++) {
      const head = /^ {2}(\d+)\) (.*)$/.exec(lines[i]!);
      if (!head) continue;
      const parts = [head[2]!];
      while (!parts[parts.length - 1]!.endsWith(':') && i + 1 < lines.length && lines[i + 1]!.trim() !== '') parts.push(lines[++i]!.trim());
      const name = parts
        .map((p) => p.trim())
        .join(' > ')
        .replace(/:$/, '');
      let message = '';
      while (i + 1 < lines.length && message === '') message = lines[++i]!.trim();
      out.push({ name, message: clip(message), framework: 'mocha' });
    }
    return out;
  },
};

/** jest: `● Suite › test` headers, each followed by its message. */
const jest: Reader = {
  framework: 'jest',
  recognizes: (t) => /^Tests:\s+.*\d+ total/m.test(t),
  failures(lines) {
    const out: TestFailure[] = [];
    let file: string | undefined;
    for (let i = 0; i < lines.length; i++) {
      const fail = /^FAIL (\S+)/.exec(lines[i]!.trim());
      if (fail) file = fail[1];
      const m = /^\s*● (.+)$/.exec(lines[i]!);
      if (!m) continue;
      const title = m[1]!.trim();
      const name = title === 'Test suite failed to run' && file ? `${file} > ${title}` : title.split(' › ').join(' > ');
      let message = '';
      for (let j = i + 1; j < lines.length && message === ''; j++) message = lines[j]!.trim();
      out.push({ name, message: clip(message), framework: 'jest', ...(file ? { file } : {}) });
    }
    return out;
  },
};

/**
 * TAP, with node's test runner dialect: `# Subtest:` lines give the suite path by indentation and a
 * YAML block gives `error`, `location` and `failureType` (suites failing only through a subtest are
 * skipped: the subtest is the failure).
 */
const tap: Reader = {
  framework: 'tap',
  recognizes: (t) => /^\s*(?:not )?ok \d+\b/m.test(t) && (/^TAP version \d+/m.test(t) || /^\s*1\.\.\d+$/m.test(t)),
  failures(lines) {
    const out: TestFailure[] = [];
    const suites: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const depth = Math.floor(indentOf(line) / 4);
      const sub = /^\s*# Subtest: (.*)$/.exec(line);
      if (sub) {
        suites.length = depth;
        suites[depth] = sub[1]!;
        continue;
      }
      const m = /^\s*not ok \d+(?: -)? ?(.*?)(?: # (?:TODO|SKIP)\b.*)?$/.exec(line);
      if (!m || /# (?:TODO|SKIP)\b/i.test(line)) continue;
      const leaf = m[1]!.trim();
      const yaml = readYamlBlock(lines, i + 1, indentOf(line));
      if (yaml.fields.failureType === 'subtestsFailed' || yaml.fields.type === 'suite') continue;
      const name = [...suites.slice(0, depth), leaf].join(' > ');
      let message = yaml.fields.error ?? '';
      if (!yaml.found) {
        for (let j = i + 1; j < lines.length && indentOf(lines[j]!) > indentOf(line) && message === ''; j++) message = lines[j]!.trim();
      }
      const loc = /^(.*):(\d+):\d+$/.exec(yaml.fields.location ?? '');
      out.push({ name, message: clip(message || 'failed'), framework: 'tap', ...(loc ? { file: loc[1]!, line: Number(loc[2]) } : {}) });
    }
    return out;
  },
};

/** The YAML diagnostic block under a TAP line: `---` ... `...`, scalar and `|-` block fields. */
function readYamlBlock(lines: string[], start: number, parentIndent: number): { found: boolean; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  if (start >= lines.length || lines[start]!.trim() !== '---' || indentOf(lines[start]!) <= parentIndent) return { found: false, fields };
  const base = indentOf(lines[start]!);
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '...' && indentOf(line) === base) break;
    if (indentOf(line) !== base) continue;
    const kv = /^\s*([A-Za-z_]+): ?(.*)$/.exec(line);
    if (!kv) continue;
    let value = kv[2]!;
    if (value === '|-' || value === '|' || value === '>-') {
      const block: string[] = [];
      while (i + 1 < lines.length && (indentOf(lines[i + 1]!) > base || lines[i + 1]!.trim() === '')) block.push(lines[++i]!.trim());
      value = block
        .filter((b) => b !== '')
        .slice(0, 4)
        .join(' ');
    } else {
      value = value.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
    }
    fields[kv[1]!] = value;
  }
  return { found: true, fields };
}

/** node's spec reporter: the "✖ failing tests:" section at the end. */
const nodeSpec: Reader = {
  framework: 'node-test',
  recognizes: (t) => /^ℹ tests \d+$/m.test(t),
  failures(lines) {
    const out: TestFailure[] = [];
    const start = lines.findIndex((l) => l.trim() === '✖ failing tests:');
    if (start < 0) return out;
    let file: string | undefined;
    let line: number | undefined;
    for (let i = start + 1; i < lines.length; i++) {
      const at = /^test at (.*):(\d+):\d+$/.exec(lines[i]!.trim());
      if (at) {
        file = at[1];
        line = Number(at[2]);
        continue;
      }
      const m = /^\s*✖ (.*?)(?: \([\d.]+m?s\))?$/.exec(lines[i]!);
      if (!m) continue;
      let message = '';
      for (let j = i + 1; j < lines.length && message === '' && !/^\s*✖ /.test(lines[j]!); j++) message = lines[j]!.trim();
      out.push({ name: m[1]!, message: clip(message || 'failed'), framework: 'node-test', ...(file ? { file, line } : {}) });
      file = undefined;
      line = undefined;
    }
    return out;
  },
};

/** go test: `--- FAIL: TestName (0.00s)`, subtests with a slash, message on the next lines. */
const goTest: Reader = {
  framework: 'go-test',
  recognizes: (t) =>
    /^(?:ok|FAIL|---)\s+\S+\s+(?:\(cached\)|[\d.]+s)/m.test(t) || /^--- (?:FAIL|PASS): /m.test(t) || /^\s+--- FAIL: /m.test(t),
  failures(lines) {
    const out: TestFailure[] = [];
    for (let i = 0; i < lines.length; i++) {
      const m = /^(\s*)--- FAIL: (\S+) \(/.exec(lines[i]!);
      if (!m) continue;
      const indent = m[1]!.length;
      let message = '';
      let file: string | undefined;
      let line: number | undefined;
      for (let j = i + 1; j < lines.length && indentOf(lines[j]!) > indent && message === ''; j++) {
        const trimmed = lines[j]!.trim();
        if (trimmed.startsWith('--- ')) break;
        const loc = /^([\w./-]+\.go):(\d+): (.*)$/.exec(trimmed);
        if (loc) {
          file = loc[1];
          line = Number(loc[2]);
          message = loc[3]!;
        } else message = trimmed;
      }
      out.push({ name: m[2]!, message: clip(message || 'failed'), framework: 'go-test', ...(file ? { file, line } : {}) });
    }
    return out;
  },
};

const READERS: readonly Reader[] = [pytest, unittest, jest, mocha, tap, nodeSpec, goTest];

/** The last `n` lines of an output, for a finding when no format was recognised. */
export function outputTail(output: string, n = 15): string {
  const lines = output.replace(/\r\n?/g, '\n').trimEnd().split('\n');
  return lines.slice(-n).join('\n');
}

/**
 * What to quote from output no reader understood: the first line that names an error (with two
 * after it: stack traces bury the message under frames) and the last lines (the summary).
 */
export function failureExcerpt(output: string, tail = 10): string {
  const lines = output.replace(/\r\n?/g, '\n').trimEnd().split('\n');
  const first = lines.findIndex((l) => /\b\w*(?:Error|Exception)\b|^Traceback|\bFAIL(?:ED)?\b|\berror:/.test(l));
  const end = lines.slice(-tail);
  if (first < 0 || first >= lines.length - tail) return end.join('\n');
  const head = lines.slice(first, Math.min(first + 3, lines.length - tail));
  return [...head, '...', ...end].join('\n');
}
