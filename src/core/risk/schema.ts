import { z } from 'zod';

/** One reason a patch or hunk is risky, with what it added to the score. */
export const RiskFactorSchema = z.object({
  /** Stable id: 'share_changed', 'lines_deleted', 'public_symbols', 'whole_file_rewrite', 'findings_remaining', 'files_in_run', ... */
  id: z.string(),
  /** Human label shown in tables and tooltips. */
  label: z.string(),
  /** The measured quantity (a share, a count). */
  value: z.number(),
  /** What it added to the score, in [0,1]. */
  contribution: z.number(),
  /** One sentence: "12 of 40 lines changed (30%)". */
  detail: z.string(),
});
export type RiskFactor = z.infer<typeof RiskFactorSchema>;

export const RiskLevelSchema = z.enum(['low', 'medium', 'high']);
export type RiskLevel = z.infer<typeof RiskLevelSchema>;

export const RiskSchema = z.object({
  score: z.number().min(0).max(1),
  level: RiskLevelSchema,
  factors: z.array(RiskFactorSchema),
});
export type Risk = z.infer<typeof RiskSchema>;

/**
 * Coverage of a patch's (or hunk's) changed lines by the project's tests, measured in the test
 * gate's run of the candidate: of the added or changed lines that can execute, how many some test ran.
 */
export const ChangedLinesCoverageSchema = z.object({
  tool: z.enum(['v8', 'coverage.py']),
  /** Changed lines that can execute (code, not blank lines or comments). */
  changedLines: z.number().int().min(0),
  coveredLines: z.number().int().min(0),
  /** Line numbers in the new text of the changed lines no test ran (at most the first 200). */
  uncovered: z.array(z.number().int().min(1)),
});
export type ChangedLinesCoverage = z.infer<typeof ChangedLinesCoverageSchema>;
