import { isBlank, leadingWhitespace, type Line } from './lines';

/**
 * Indentation as levels of a unit: a tab, or a width of spaces. Models copy code in the indentation
 * they like (four spaces, say) whatever the file uses (tabs, or two spaces); mapping level by level
 * lets such an old_string be found, and its new_string written back in the file's own style.
 */

/**
 * The unit a text is indented in: '\t' when its indented lines start with tabs, spaces of the
 * most common step between indentation levels otherwise; undefined when it has no indented line,
 * or mixes tabs and spaces at line starts (no single unit to map from).
 */
export function indentUnit(lines: readonly string[]): string | undefined {
  const leads = lines.filter((l) => !isBlank(l)).map(leadingWhitespace);
  const tabbed = leads.filter((w) => w.startsWith('\t')).length;
  const spaced = leads.filter((w) => w.startsWith(' ')).length;
  if (tabbed > 0 && spaced > 0) return undefined;
  if (tabbed > 0) return '\t';
  if (spaced === 0) return undefined;
  const width = spaceStep(leads.map((w) => w.length));
  return width === undefined ? undefined : ' '.repeat(width);
}

/** The units a file uses, the most used first: one, or two in a file that mixes tabs and spaces. */
export function fileIndentUnits(fileLines: readonly Line[]): string[] {
  const leads = fileLines.filter((l) => !isBlank(l.text)).map((l) => leadingWhitespace(l.text));
  const tabbed = leads.filter((w) => w.startsWith('\t')).length;
  const spacedLeads = leads.filter((w) => w.startsWith(' '));
  const units: { unit: string; lines: number }[] = [];
  if (tabbed > 0) units.push({ unit: '\t', lines: tabbed });
  const width = spaceStep(spacedLeads.map((w) => w.length));
  if (width !== undefined) units.push({ unit: ' '.repeat(width), lines: spacedLeads.length });
  return units.sort((a, b) => b.lines - a.lines).map((u) => u.unit);
}

/**
 * The widest unit that nearly every indented line is a whole number of, allowing one space of
 * alignment past a level (the space before a JSDoc star): 4 for {4, 8, 5}, 2 for {2, 4, 6, 3}.
 * Three spaces is rare enough to need nearly every line an exact multiple (4 is 3 + 1 of alignment).
 */
function spaceStep(widths: readonly number[]): number | undefined {
  const indented = widths.filter((w) => w > 0);
  if (indented.length === 0) return undefined;
  for (const unit of [8, 4, 3, 2]) {
    const whole = indented.filter((w) => w % unit === 0).length;
    const fits = indented.filter((w) => w % unit === 0 || w % unit === 1).length;
    // Alignment alone (every line one space past a level) is no evidence for a unit.
    if (whole === 0 || fits < 0.9 * indented.length) continue;
    if (unit === 3 && whole < 0.9 * indented.length) continue;
    return unit;
  }
  return undefined;
}

/** Re-indents every line of `s` from one unit to another, level for level; alignment spaces past the last full level stay. */
export function convertIndent(s: string, from: string, to: string): string {
  return s.replace(/^[ \t]+(?=[^\r\n]*\S)/gm, (lead) => {
    let levels = 0;
    let rest = lead;
    if (from === '\t') {
      while (rest.startsWith('\t')) {
        levels++;
        rest = rest.slice(1);
      }
    } else {
      while (rest.startsWith(from)) {
        levels++;
        rest = rest.slice(from.length);
      }
    }
    return to.repeat(levels) + rest;
  });
}
