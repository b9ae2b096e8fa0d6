/**
 * The integration entry, in the shape @vscode/test-electron and VS Code's own test runner expect:
 * a module whose `run()` executes inside the extension host (with `vscode` available) and
 * settles when the suites are done. scripts/vscode-test.mjs runs it in code-server here;
 * test/integration/runTestElectron.ts runs it in a downloaded VS Code elsewhere.
 */
import { registerReviewSuite } from './review.suite';
import { registerProposeSuite } from './propose.suite';
import { registerRollbackSuite } from './rollback.suite';
import { registerVscodeLmSuite } from './vscodeLm.suite';
import { registerUntrustedSuite } from './untrusted.suite';
import { registerSecretsSuite } from './secrets.suite';
import { registerProvenanceSuite } from './provenance.test';
import { registerLifecycleSuite } from './lifecycle.suite';
import { registerGenerateSuite } from './generate.suite';
import { registerEditProposalSuite } from './editProposal.suite';
import { registerRunsViewSuite } from './runsView.suite';
import { registerPackagedSuite } from './packaged.suite';
import { registerInlineSuite } from './inline.suite';
import { registerEngineWorkerSuite } from './engineWorker.suite';

export async function run(): Promise<void> {
  const { default: Mocha } = await import('mocha');
  const grep = process.env.RG_VSCODE_TEST_GREP;
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: 'spec', ...(grep ? { grep } : {}) });
  // The suites are bundled into this file, so they register against mocha's globals directly.
  mocha.suite.emit('pre-require', globalThis, 'integration', mocha);
  registerProposeSuite();
  registerReviewSuite();
  registerRollbackSuite();
  registerVscodeLmSuite();
  registerUntrustedSuite();
  registerSecretsSuite();
  registerProvenanceSuite();
  registerLifecycleSuite();
  registerGenerateSuite();
  registerEditProposalSuite();
  registerRunsViewSuite();
  registerPackagedSuite();
  registerInlineSuite();
  registerEngineWorkerSuite();
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed.`);
}
