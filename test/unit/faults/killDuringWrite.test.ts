import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuiltCli, finished, runCli, startCli } from '../../support/cliProcess';
import { copyOf, listFiles, multiFileRun, propose, sha, type MultiFileRun } from '../../support/multiFileRun';
import { seededRandom } from '../../support/seededRandom';
import { tempDir } from '../../support/tempWorkspace';

/**
 * SIGKILL at seeded random moments of a real `apply` and `rollback` of a five-file run, then the
 * next command: every file must be wholly old or wholly new, all of them the same one, the store
 * must say which, no temp file may be left beside them, and the run must still apply and roll back
 * to the exact original bytes.
 *
 * Half the kills land anywhere in the process's life; the other half wait until the operation's
 * journal entry appears or a file changes (files are being written) and then land within a few
 * milliseconds, so the window that matters is hit on every run, not by luck.
 *
 *   RG_FAULT_ITERATIONS=200 npx mocha test/unit/faults/killDuringWrite.test.ts   # a local soak
 */
const ITERATIONS = Number(process.env.RG_FAULT_ITERATIONS ?? 8);
const SEED = Number(process.env.RG_FAULT_SEED ?? 20261202);

type Status = { patches: { id: string; status: string }[] };

describe('SIGKILL during apply and rollback (real processes)', function () {
  this.timeout(Math.max(120_000, ITERATIONS * 20_000));
  let proposal: MultiFileRun;
  let applied: MultiFileRun;
  const scratch = tempDir('rg-kill-');

  before(async () => {
    ensureBuiltCli();
    proposal = await multiFileRun(5, 1_000_000, 'kill');
    // The same proposal, applied: the starting point for killed rollbacks.
    applied = { ...proposal, template: copyOf(proposal, join(scratch.dir, 'applied-template')) };
    const r = await runCli(['apply', proposal.runId, '--workspace', applied.template]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => {
    proposal?.cleanup();
    scratch.cleanup();
  });

  for (const operation of ['apply', 'rollback'] as const) {
    it(`${operation}: every file wholly old or wholly new, all alike, and the store agrees`, async () => {
      const template = operation === 'apply' ? proposal : applied;
      const random = seededRandom(SEED + (operation === 'apply' ? 0 : 1));
      // How long an uninterrupted run of the operation takes, to spread blind kills over it.
      const probe = copyOf(template, join(scratch.dir, `${operation}-probe`));
      const t0 = Date.now();
      assert.equal((await runCli([operation, proposal.runId, '--workspace', probe])).code, 0);
      const whole = Date.now() - t0;
      rmSync(probe, { recursive: true, force: true });

      const seen = { old: 0, new: 0, recovered: 0, inWindow: 0 };
      for (let i = 0; i < ITERATIONS; i++) {
        const ws = copyOf(template, join(scratch.dir, `${operation}-${i}`));
        const journal = join(ws, '.refactor-guard', 'journal');
        const child = startCli([operation, proposal.runId, '--workspace', ws]);
        const done = finished(child, 60_000);
        const targeted = i % 2 === 1;
        if (targeted) {
          // Wait (bounded) for the journal entry or the first changed file: from then on files
          // are being written.
          const mtimes = proposal.files.map((f) => statSync(join(ws, f)).mtimeMs);
          const writing = () =>
            hasEntry(journal) || proposal.files.some((f, k) => statSync(join(ws, f), { throwIfNoEntry: false })?.mtimeMs !== mtimes[k]);
          const deadline = Date.now() + 20_000;
          while (Date.now() < deadline && child.exitCode === null && !writing()) await new Promise((r) => setImmediate(r));
          if (writing()) seen.inWindow++;
          await sleep(Math.floor(random() * 8));
        } else {
          await sleep(Math.floor(random() * whole * 1.2));
        }
        child.kill('SIGKILL');
        await done;

        // The next command, whatever it is, settles what the kill left.
        const status = await runCli(['status', '--run-id', proposal.runId, '--json', '--workspace', ws]);
        assert.equal(status.code, 0, status.stderr);
        if (/interrupted/.test(status.stderr)) seen.recovered++;
        const states = (JSON.parse(status.stdout) as Status).patches.map((p) => p.status);
        const hashes = proposal.files.map((f) => sha(readFileSync(join(ws, f))));
        const isNew = proposal.files.map((f, k) => hashes[k] === proposal.after.get(f));
        const isOld = proposal.files.map((f, k) => hashes[k] === proposal.before.get(f));
        assert.ok(
          isNew.every((n, k) => n || isOld[k]),
          `iteration ${i}: a file is neither old nor new`,
        );
        const allNew = isNew.every(Boolean);
        assert.ok(allNew || isOld.every(Boolean), `iteration ${i}: some files old, some new: ${isNew.join(',')}`);
        const expected = allNew ? 'applied' : operation === 'apply' ? 'pending' : 'rolled_back';
        assert.deepEqual(
          states,
          proposal.files.map(() => expected),
          `iteration ${i}: files are ${allNew ? 'new' : 'old'}, the store says ${states.join(',')}`,
        );
        if (allNew) seen.new++;
        else seen.old++;
        assert.deepEqual(listFiles(ws), proposal.files, `iteration ${i}: nothing but the files is left in the workspace (no temp files)`);
        assert.deepEqual(
          existsSync(journal) ? readdirSync(journal).filter((n) => n.endsWith('.json')) : [],
          [],
          `iteration ${i}: the journal is settled`,
        );
        const verify = await runCli(['verify', '--workspace', ws]);
        assert.equal(verify.code, 0, verify.stdout + verify.stderr);

        // And the run still goes where it should, to the exact bytes.
        if (allNew) assert.equal((await runCli(['rollback', proposal.runId, '--workspace', ws])).code, 0);
        else if (operation === 'apply') {
          assert.equal((await runCli(['apply', proposal.runId, '--workspace', ws])).code, 0);
          assert.ok(proposal.files.every((f) => sha(readFileSync(join(ws, f))) === proposal.after.get(f)));
          assert.equal((await runCli(['rollback', proposal.runId, '--workspace', ws])).code, 0);
        }
        assert.ok(
          proposal.files.every((f) => sha(readFileSync(join(ws, f))) === proposal.before.get(f)),
          `iteration ${i}: back to the original bytes`,
        );
        rmSync(ws, { recursive: true, force: true });
      }
      console.log(
        `      ${operation}: ${ITERATIONS} kills (seed ${SEED}): ${seen.old} left old, ${seen.new} new, ${seen.recovered} settled by the next command, ${seen.inWindow} landed while files were being written`,
      );
      if (ITERATIONS >= 4)
        assert.ok(seen.recovered > 0, 'at least one kill must land inside the write window, or this test proves nothing');
    });
  }

  it('an apply killed after some files, then later runs with retention 1: nothing is left half-written or without its originals', async () => {
    const ws = copyOf(proposal, join(scratch.dir, 'retention'));
    writeFileSync(join(ws, '.refactor-guard', 'config.json'), JSON.stringify({ 'retention.maxRuns': 1 }));
    writeFileSync(join(ws, 'notes', 'other.txt'), 'one\ntwo\n');
    const mtimes = proposal.files.map((f) => statSync(join(ws, f)).mtimeMs);
    const child = startCli(['apply', proposal.runId, '--workspace', ws]);
    const done = finished(child, 60_000);
    const deadline = Date.now() + 20_000;
    // Kill once the second file has changed: two of five written, as in the report.
    while (
      Date.now() < deadline &&
      child.exitCode === null &&
      proposal.files.filter((f, k) => statSync(join(ws, f)).mtimeMs !== mtimes[k]).length < 2
    )
      await new Promise((r) => setImmediate(r));
    child.kill('SIGKILL');
    await done;
    for (let k = 0; k < 3; k++) await propose(ws, `Later run ${k}`, [['notes/other.txt', 'one\n', `one ${k}\n`]], scratch.dir);
    const list = await runCli(['list-runs', '--json', '--workspace', ws]);
    assert.ok((JSON.parse(list.stdout) as { runs: unknown[] }).runs.length <= 2, 'retention pruned');
    const hashes = proposal.files.map((f) => sha(readFileSync(join(ws, f))));
    assert.ok(
      proposal.files.every((f, k) => hashes[k] === proposal.before.get(f)),
      'the interrupted apply was undone before anything else, so every file is its original',
    );
    assert.equal((await runCli(['verify', '--workspace', ws])).code, 0);
  });
});

function hasEntry(journal: string): boolean {
  try {
    return readdirSync(journal).some((n) => n.endsWith('.json'));
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
