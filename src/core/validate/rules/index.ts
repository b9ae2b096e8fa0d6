import type { Gate } from '../gate';

/** The guard rules, one gate each, in the order their findings read best. */
export function createRuleGates(): Gate[] {
  return [];
}
