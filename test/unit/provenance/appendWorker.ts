/**
 * Run as its own process by concurrency.test.ts: appends runs and a decision for each to the
 * store folder given, as a second CLI or the extension would at the same time.
 * Usage: node -r tsx/cjs appendWorker.ts <storeDir> <count> <tag>
 */
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { newRunId } from '../../../src/core/provenance/runId';
import { makeDecision, makeRun } from './fixtures';
import { TEST_KEY } from '../../support/testKey';

async function main(): Promise<void> {
  const [dir, countText, tag] = process.argv.slice(2);
  if (!dir || !countText || !tag) throw new Error('usage: appendWorker <storeDir> <count> <tag>');
  const store = await ProvenanceStore.open(dir, { key: TEST_KEY });
  for (let i = 0; i < Number(countText); i++) {
    const run = await store.appendRun(makeRun({ runId: newRunId(), instruction: `${tag} ${i}` }));
    await store.appendDecision(makeDecision(run.runId, 'approve', ['p1'], { actor: `cli:${tag}` }));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
