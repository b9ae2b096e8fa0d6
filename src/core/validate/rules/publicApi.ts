import type { Finding } from '../../findings';
import { NO_SETTINGS } from '../gateSettings';
import type { CandidateFile, GateContext } from '../gate';
import { codeFacts, type SymbolFact } from './codeFacts';
import { FileRule, ruleFinding } from './ruleSupport';
import { referencePattern, WorkspaceTexts } from './workspaceText';

/** Files named in a finding's message. */
const NAMED_FILES = 3;

/**
 * Public API diff: exported or public symbols that the patch removes, or whose signature it
 * changes, with how often the rest of the workspace (as it would be after the patch) refers to
 * them. Referenced and not mentioned in the instruction: a contract violation that blocks.
 * Unreferenced, or named by the instruction (so asked for): a warning.
 */
export class PublicApiRule extends FileRule {
  readonly id = 'public-api';
  readonly settings = NO_SETTINGS;
  protected override readonly includeDeleted = true;

  protected async checkFile(file: CandidateFile, ctx: GateContext, all: readonly CandidateFile[]): Promise<Finding[]> {
    if (file.before === undefined) return [];
    const before = await codeFacts(file.language, file.before);
    if (!before?.publicSymbols) return [];
    const after =
      file.after === undefined ? { publicSymbols: [] as SymbolFact[] } : await codeFacts(file.language, file.after, file.before);
    const afterSymbols = after?.publicSymbols ?? [];

    const signatures = (list: readonly SymbolFact[]): Map<string, string[]> => {
      const m = new Map<string, string[]>();
      for (const s of list) m.set(s.name, [...(m.get(s.name) ?? []), s.signature ?? '']);
      for (const v of m.values()) v.sort();
      return m;
    };
    const was = signatures(before.publicSymbols);
    const now = signatures(afterSymbols);
    const texts = new WorkspaceTexts(ctx, all);
    const findings: Finding[] = [];
    const reported = new Set<string>();
    for (const sym of before.publicSymbols) {
      if (reported.has(sym.name)) continue;
      const old = was.get(sym.name)!;
      const fresh = now.get(sym.name);
      let change: string;
      if (!fresh) change = `is no longer public in ${file.path} (removed, renamed or made private)`;
      else if (sym.kind === 'function' && old.join('|') !== fresh.join('|'))
        change = `changed its signature in ${file.path} from ${old.join(' / ')} to ${fresh.join(' / ')}`;
      else continue;
      // Optional parameters added at the end keep every existing call working.
      const compatible = fresh !== undefined && old.length === 1 && fresh.length === 1 && onlyAddsOptionalParameters(old[0]!, fresh[0]!);
      reported.add(sym.name);
      const refs = await countReferences(texts, sym, file.path);
      const asked = new RegExp(`\\b${sym.identifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(ctx.instruction);
      const where = compatible
        ? `it only adds optional parameters, so existing calls still work`
        : refs.files.length === 0
          ? 'nothing else in the workspace refers to it'
          : `it is referenced ${refs.count} time(s) in ${refs.files.length} other file(s): ${refs.files.slice(0, NAMED_FILES).join(', ')}${refs.files.length > NAMED_FILES ? ', ...' : ''}`;
      const blocking = refs.files.length > 0 && !asked && !compatible;
      const advice = blocking
        ? ' The instruction did not ask for this: keep the public name and signature, or update every caller in the same patch.'
        : '';
      findings.push(
        ruleFinding(
          this.id,
          file.path,
          sym.line,
          `Public ${sym.kind} ${sym.name} ${change}; ${where}${texts.truncated ? ' (search stopped at its size limit)' : ''}.${advice}`,
          {
            category: 'contract_violation',
            severity: blocking ? 'error' : 'warning',
          },
        ),
      );
    }
    return findings;
  }
}

export function createPublicApiRule(): PublicApiRule {
  return new PublicApiRule();
}

async function countReferences(texts: WorkspaceTexts, sym: SymbolFact, ownPath: string): Promise<{ count: number; files: string[] }> {
  const pattern = referencePattern(sym.identifier, sym.name.includes('.'));
  let count = 0;
  const files: string[] = [];
  for await (const [path, text] of texts.sources((p) => p !== ownPath)) {
    if (!text.includes(sym.identifier)) continue;
    const n = text.match(pattern)?.length ?? 0;
    if (n > 0) {
      count += n;
      files.push(path);
    }
  }
  return { count, files };
}

/** `(a, b)` -> `(a, b, c = 1)` or `(a, b, c?: T)` or `(a, b, *rest)`: the same parameters, then only optional ones, same return. */
export function onlyAddsOptionalParameters(before: string, after: string): boolean {
  const split = (sig: string): { params: string[]; rest: string } | undefined => {
    if (!sig.startsWith('(')) return undefined;
    let depth = 0;
    let start = 1;
    const params: string[] = [];
    for (let i = 0; i < sig.length; i++) {
      const c = sig[i]!;
      if (c === '"' || c === "'" || c === '`') {
        const end = sig.indexOf(c, i + 1);
        if (end < 0) return undefined;
        i = end;
      } else if ('([{<'.includes(c)) depth++;
      else if (')]}>'.includes(c) && !(c === '>' && sig[i - 1] === '-')) {
        depth--;
        if (depth === 0) {
          const last = sig.slice(start, i).trim();
          if (last) params.push(last);
          return { params, rest: sig.slice(i + 1).trim() };
        }
      } else if (c === ',' && depth === 1) {
        params.push(sig.slice(start, i).trim());
        start = i + 1;
      }
    }
    return undefined;
  };
  const a = split(before);
  const b = split(after);
  if (!a || !b || a.rest !== b.rest || b.params.length <= a.params.length) return false;
  if (a.params.some((p, i) => p !== b.params[i])) return false;
  return b.params.slice(a.params.length).every((p) => /^(?:\.\.\.|\*)/.test(p) || /^[\w$]+\s*\?\s*:/.test(p) || /=/.test(p));
}
