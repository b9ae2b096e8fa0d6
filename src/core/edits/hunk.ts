import { z } from 'zod';
import { ChangedLinesCoverageSchema, RiskSchema } from '../risk/schema';

/** One hunk of a unified diff, with a stable id (same content at the same place, same id). */
export const HunkSchema = z.object({
  id: z.string(),
  /** 1-based start line and line count in the old and new text, as in a unified diff header. */
  oldStart: z.number().int().min(0),
  oldLines: z.number().int().min(0),
  newStart: z.number().int().min(0),
  newLines: z.number().int().min(0),
  /** Lines as in a unified diff: each starts with ' ', '-' or '+'. No line terminators. */
  lines: z.array(z.string()),
  added: z.number().int().min(0),
  removed: z.number().int().min(0),
  risk: RiskSchema.optional(),
  /** Where the test gate measured coverage of this file. */
  coverage: ChangedLinesCoverageSchema.optional(),
});
export type Hunk = z.infer<typeof HunkSchema>;

/** How a patch_file's old_string was found (DESIGN.md matching chain). */
export const MatchKindSchema = z.enum([
  'exact',
  'trailing_whitespace',
  'indentation',
  'indent_style',
  'line_endings',
  'blank_lines',
  'line_numbers',
  'whole_file',
]);
export type MatchKind = z.infer<typeof MatchKindSchema>;
