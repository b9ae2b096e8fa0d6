import type { MatchKind } from './hunk';
import { isBlank, splitLines } from './lines';

/**
 * What models get wrong when they copy old_string, beyond whitespace: a blank line at either edge
 * that the file does not have there, and the `12| ` prefixes of the lines our own "not found"
 * message quoted. Each reading is tried (through the whole match chain) only when old_string as
 * written matches nowhere, and is used only when it matches exactly one place.
 */
export interface SlipReading {
  kind: MatchKind;
  old: string;
  new: string;
}

export function copyingSlips(oldString: string, newString: string): SlipReading[] {
  const out: SlipReading[] = [];
  const trimmed = trimBlankEdges(oldString, newString);
  if (trimmed) out.push({ kind: 'blank_lines', ...trimmed });
  const unnumbered = stripLineNumbers(oldString, newString);
  if (unnumbered) {
    out.push({ kind: 'line_numbers', ...unnumbered });
    const both = trimBlankEdges(unnumbered.old, unnumbered.new);
    if (both) out.push({ kind: 'line_numbers', ...both });
  }
  return out;
}

/**
 * old_string without its leading and trailing blank lines (it must keep a line that is not blank),
 * and new_string without as many of its own at the same edges, so an edit that never meant to
 * touch those blank lines still does not.
 */
function trimBlankEdges(oldString: string, newString: string): { old: string; new: string } | undefined {
  // A final line break is not a blank line: "x\n" is one line; "x\n\n" ends in a blank one.
  const ol = splitLines(oldString);
  const nl = splitLines(newString);
  let lead = 0;
  while (lead < ol.length && isBlank(ol[lead]!.text)) lead++;
  let tail = 0;
  while (tail < ol.length - lead && isBlank(ol[ol.length - 1 - tail]!.text)) tail++;
  if (lead + tail === 0 || lead + tail >= ol.length) return undefined;
  let nLead = 0;
  while (nLead < Math.min(lead, nl.length) && isBlank(nl[nLead]!.text)) nLead++;
  let nTail = 0;
  while (nTail < Math.min(tail, nl.length - nLead) && isBlank(nl[nl.length - 1 - nTail]!.text)) nTail++;
  return {
    old: join(ol.slice(lead, ol.length - tail), tail > 0 || endsWithBreak(oldString)),
    new: join(nl.slice(nLead, nl.length - nTail), nTail > 0 || endsWithBreak(newString)),
  };
}

function join(lines: ReturnType<typeof splitLines>, keepLastBreak: boolean): string {
  return lines.map((l, i) => l.text + (i < lines.length - 1 || keepLastBreak ? l.eol || '\n' : '')).join('');
}

function endsWithBreak(s: string): boolean {
  return s.endsWith('\n');
}

/** `12| code` (a "not found" quote) and `12 | code` (a repair prompt's candidate). */
const NUMBERED = /^ *(\d+) ?\| ?/;

/**
 * Both strings without the `12| ` prefixes, when every line of old_string that is not empty has
 * one and their numbers run consecutively (a quote, not content); new_string loses its prefixes
 * only if it has them on every such line too.
 */
function stripLineNumbers(oldString: string, newString: string): { old: string; new: string } | undefined {
  const strip = (s: string): string | undefined => {
    const lines = s.split('\n');
    let prev: number | undefined;
    let any = false;
    for (const line of lines) {
      if (line.replace(/\r$/, '') === '') continue;
      const m = NUMBERED.exec(line);
      if (!m) return undefined;
      const n = Number(m[1]);
      if (prev !== undefined && n !== prev + 1) return undefined;
      prev = n;
      any = true;
    }
    return any ? lines.map((l) => l.replace(NUMBERED, '')).join('\n') : undefined;
  };
  const old = strip(oldString);
  if (old === undefined) return undefined;
  return { old, new: strip(newString) ?? newString };
}
