/**
 * Public symbols a set of changed lines declares, found with simple per-language patterns on the
 * lines themselves. It sees declarations only (a changed body line of an exported function does
 * not count), which is the cheap first version; a symbol graph can pass a better count instead.
 */
import type { LanguageId } from '../languages';

type Rule = RegExp;

const JS_LIKE: Rule[] = [
  /^\s*export\s+(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\s*\*?|class|const|let|var|interface|type|enum|namespace|module)\s+([A-Za-z_$][\w$]*)/,
  /^\s*export\s+default\s+(?!function|class|async|abstract)/,
  /^\s*public\s+(?:static\s+)?(?:readonly\s+)?(?:async\s+)?(?:get\s+|set\s+)?([A-Za-z_$][\w$]*)\s*[(:=<?]/,
];

const BY_LANGUAGE: Partial<Record<LanguageId, Rule[]>> = {
  typescript: JS_LIKE,
  tsx: JS_LIKE,
  javascript: JS_LIKE,
  jsx: JS_LIKE,
  // Top-level (column 0) defs and classes without a leading underscore.
  python: [/^(?:async\s+)?def\s+([A-Za-z]\w*)/, /^class\s+([A-Za-z]\w*)/],
  // Capitalised top-level identifiers are exported in Go.
  go: [
    /^func\s+(?:\([^)]*\)\s*)?([A-Z]\w*)/,
    /^type\s+([A-Z]\w*)/,
    /^(?:var|const)\s+([A-Z]\w*)/,
    /^\s+([A-Z]\w*)\s*(?:=|[A-Za-z*[\]]+\s*=)/,
  ],
  rust: [
    /^\s*pub(?:\([^)]*\))?\s+(?:async\s+)?(?:unsafe\s+)?(?:const\s+)?(?:extern\s+"[^"]*"\s+)?(?:fn|struct|enum|trait|type|const|static|mod|union|macro)\s+([A-Za-z_]\w*)/,
  ],
  java: [/^\s*(?:@\w+\s+)*public\b[^=;(]*?\b([A-Za-z_]\w*)\s*(?:[({=;]|extends|implements|<|$)/],
  csharp: [/^\s*(?:\[[^\]]*\]\s*)*public\b[^=;(]*?\b([A-Za-z_]\w*)\s*(?:[({=;]|:|<|$)/],
  php: [
    /^\s*(?:final\s+|abstract\s+)?public\b[^=;(]*?\$?\b([A-Za-z_]\w*)\s*[({=;]/,
    /^(?:final\s+|abstract\s+)?(?:class|interface|trait|function)\s+([A-Za-z_]\w*)/,
  ],
  cpp: [/^\s*public\s*:/],
  ruby: [/^(?:def\s+(?:self\.)?([A-Za-z]\w*[?!]?)|class\s+([A-Z]\w*)|module\s+([A-Z]\w*))/],
};

/**
 * Distinct public symbol names declared on `lines` (changed lines, without diff markers).
 * A declaration without a capturable name (`export default {...}`, C++ `public:`) counts under its
 * own line text, so it is still counted once.
 */
export function publicSymbolsOnLines(lines: readonly string[], language: LanguageId | undefined): string[] {
  const rules = language ? BY_LANGUAGE[language] : undefined;
  if (!rules) return [];
  const names = new Set<string>();
  for (const line of lines) {
    for (const rule of rules) {
      const m = rule.exec(line);
      if (!m) continue;
      const name = m.slice(1).find((g) => g !== undefined) ?? line.trim();
      if (language === 'python' && name.startsWith('_')) continue;
      names.add(name);
      break;
    }
  }
  return [...names].sort();
}

/** Changed lines (added and removed) of unified hunk lines, without their markers. */
export function changedLines(hunkLines: readonly string[]): string[] {
  return hunkLines.filter((l) => l[0] === '+' || l[0] === '-').map((l) => l.slice(1));
}
