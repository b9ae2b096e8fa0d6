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
    if (c.claimsLines && overlaps(chosen, c, prior)) continue;
    const block = renderBlock(c);
    const tokens = countTokens(block) + SEPARATOR_TOKENS;
    const cost = tokens - (prior?.tokens ?? 0);
    if (used + cost > budgetTokens) {
      if (!prior) left.push(c);
      continue;
    }
    const entry = { c, block, tokens };
    if (prior) chosen[chosen.indexOf(prior)] = entry;
    else chosen.push(entry);
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

function overlaps(chosen: readonly Chosen[], c: Candidate, except: Chosen | undefined): boolean {
  return chosen.some(
    (x) => x !== except && x.c.claimsLines && x.c.path === c.path && x.c.startLine <= c.endLine && c.startLine <= x.c.endLine,
  );
}

function fenceLanguage(language: LanguageId | undefined): string {
  return language ?? '';
}
