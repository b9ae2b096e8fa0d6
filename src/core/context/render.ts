/**
 * Fits planned pieces into the token budget, in the order the plan gives (targets, then what the
 * target calls, its callers, the types and imports it needs, then bodies), and renders them as
 * one text: each piece under a header with its path, its lines and why it is there.
 */
import type { LanguageId } from '../languages';
import { countTokens } from './tokens';

export interface Candidate {
  path: string;
  language: LanguageId | undefined;
  /** 'file', 'function', 'outline', 'signature', 'body', 'caller', 'call site', 'type', 'definition'. */
  kind: string;
  /** 'target', 'called by target', 'calls target', 'type used by target', 'imported by target', ... */
  reason: string;
  /** Extra words for the header ("method of UserRepo"). */
  detail?: string;
  startLine: number;
  endLine: number;
  code: string;
  /** One definition is sent once: a later candidate with the same key is skipped, or replaces it when `upgrade`. */
  defKey?: string;
  upgrade?: boolean;
  /** Code pieces claim their lines, so overlapping code is not sent twice; outlines do not. */
  claimsLines: boolean;
  /** A target: when it does not fit, the result says so in its notes. */
  required?: boolean;
}

export interface ContextPiece {
  path: string;
  kind: string;
  tokens: number;
  reason: string;
  startLine?: number;
  endLine?: number;
}

export interface Rendered {
  text: string;
  tokens: number;
  pieces: ContextPiece[];
  /** Candidates that did not fit, for the notes. */
  left: Candidate[];
}

interface Chosen {
  c: Candidate;
  block: string;
  tokens: number;
}

/** Tokens the blank line between two blocks may cost. */
const SEPARATOR_TOKENS = 1;

export function renderBlock(c: Candidate): string {
  const lines = c.startLine === c.endLine ? `${c.startLine}` : `${c.startLine}-${c.endLine}`;
  const header = `### ${c.path}:${lines} · ${c.reason}${c.detail ? ` (${c.detail})` : ''}`;
  const fence = c.code.includes('```') ? '````' : '```';
  return `${header}\n${fence}${fenceLanguage(c.language)}\n${c.code.replace(/\n+$/, '')}\n${fence}`;
}

export function fitToBudget(candidates: readonly Candidate[], budgetTokens: number): Rendered {
  const chosen: Chosen[] = [];
  const byDef = new Map<string, Chosen>();
  const left: Candidate[] = [];
  let used = 0;

  for (const c of candidates) {
    const prior = c.defKey ? byDef.get(c.defKey) : undefined;
    if (prior && !c.upgrade) continue;
    // Pieces this one would repeat: its own earlier form, and smaller pieces inside its lines
    // (a class's body takes in the signatures of its methods sent before it).
    const replaced = prior ? [prior] : [];
    if (c.claimsLines) {
      const clash = chosen.filter(
        (x) => x !== prior && x.c.claimsLines && x.c.path === c.path && x.c.startLine <= c.endLine && c.startLine <= x.c.endLine,
      );
      if (!clash.every((x) => replaceable(x.c, c))) continue;
      replaced.push(...clash);
    }
    const block = renderBlock(c);
    const tokens = countTokens(block) + SEPARATOR_TOKENS;
    const cost = tokens - replaced.reduce((n, x) => n + x.tokens, 0);
    if (used + cost > budgetTokens) {
      if (!prior) left.push(c);
      continue;
    }
    const entry = { c, block, tokens };
    const at = replaced.length > 0 ? Math.min(...replaced.map((x) => chosen.indexOf(x))) : chosen.length;
    for (const x of replaced) {
      chosen.splice(chosen.indexOf(x), 1);
      if (x.c.defKey) byDef.delete(x.c.defKey);
    }
    chosen.splice(Math.min(at, chosen.length), 0, entry);
    if (c.defKey) byDef.set(c.defKey, entry);
    used += cost;
  }

  // Token counts of separate blocks need not add up exactly; the whole text is what counts.
  let text = chosen.map((x) => x.block).join('\n\n');
  let tokens = countTokens(text);
  while (tokens > budgetTokens && chosen.length > 0) {
    left.push(chosen.pop()!.c);
    text = chosen.map((x) => x.block).join('\n\n');
    tokens = countTokens(text);
  }
  const pieces = chosen.map(({ c, tokens: t }) => ({
    path: c.path,
    kind: c.kind,
    tokens: t - SEPARATOR_TOKENS,
    reason: c.reason,
    startLine: c.startLine,
    endLine: c.endLine,
  }));
  return { text, tokens, pieces, left };
}

/** A signature or body of a callee may give way to a larger piece that contains it; targets and callers never do. */
function replaceable(inner: Candidate, outer: Candidate): boolean {
  const contained = outer.startLine <= inner.startLine && inner.endLine <= outer.endLine;
  return contained && !inner.required && (inner.kind === 'signature' || inner.kind === 'body' || inner.kind === 'type');
}

function fenceLanguage(language: LanguageId | undefined): string {
  return language ?? '';
}
