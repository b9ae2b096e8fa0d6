import type { AnyGate } from '../gate';
import { createComplexityRule } from './complexity';
import { createDiffSizeRule } from './diffSize';
import { createLazyElisionRule } from './lazyElision';
import { createMissingTestsRule } from './missingTests';
import { createPublicApiRule } from './publicApi';
import { createTruncationRule } from './truncation';

/**
 * The guard rules, one gate each (`rule:<id>`), cheapest and most decisive first: a truncated or
 * elided file makes every later finding noise.
 */
export function createRuleGates(): AnyGate[] {
  return [
    createTruncationRule(),
    createLazyElisionRule(),
    createDiffSizeRule(),
    createComplexityRule(),
    createPublicApiRule(),
    createMissingTestsRule(),
  ];
}
