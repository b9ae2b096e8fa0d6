import { withStoreLock } from '../../src/core/provenance/lock';

/**
 * `node --import tsx test/support/lockHolder.ts STORE_DIR MS`: holds the store's lock for MS
 * milliseconds (another Refactor Guard command in the middle of its work), saying "held" on stdout
 * once it has it.
 */
const [dir, ms] = process.argv.slice(2);
void withStoreLock(dir!, async () => {
  process.stdout.write('held\n');
  await new Promise((resolve) => setTimeout(resolve, Number(ms)));
});
