import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { Finding } from '../../../src/core/findings';
import { formatFindingsForRepair } from '../../../src/core/loop/repairPrompt';
import { blockingProblemCount, followersNote, groupCascades } from '../../../src/core/validate/cascades';
import { captureIO } from '../../support/captureIO';
import { copyFixture } from '../../support/tempWorkspace';
import { DEMO, demoRefactorArgs } from '../../support/demoRun';

const f = (line: number, over: Partial<Finding> = {}): Finding => ({
  tool: 'typescript',
  code: 'TS1005',
  category: 'syntax',
  severity: 'error',
  file: 'src/a.ts',
  line,
  column: 1,
  message: `';' expected (${line})`,
  introduced: true,
  ...over,
});

describe('validate/cascades: one dropped brace is one problem', () => {
  it('groups syntax errors of one file and tool that follow within a few lines; keeps the rest apart', () => {
    const groups = groupCascades([
      f(25),
      f(25),
      f(26),
      f(27),
      f(30),
      f(80),
      f(81, { tool: 'tree-sitter' }),
      f(82, { file: 'src/b.ts' }),
      f(26, { category: 'type_mismatch', code: 'TS2322' }),
    ]);
    assert.deepEqual(
      groups.map((g) => [g.first.line, g.first.file, g.follows.length]),
      [
        [25, 'src/a.ts', 4],
        [80, 'src/a.ts', 0],
        [81, 'src/a.ts', 0],
        [82, 'src/b.ts', 0],
        [26, 'src/a.ts', 0],
      ],
    );
    assert.equal(followersNote(groups[0]!), 'and 4 more on lines 25-30 that follow from it');
    assert.equal(
      blockingProblemCount([f(1), f(2), f(20), f(40, { introduced: false })]),
      2,
      'a pre-existing error is not one of the problems',
    );
  });

  it('the repair prompt names the first error and how many follow, once', () => {
    const text = formatFindingsForRepair([
      f(25),
      f(26),
      f(27),
      f(40, { category: 'undefined_name', code: 'TS2304', message: "Cannot find name 'x'." }),
    ]);
    assert.match(
      text,
      /^- src\/a\.ts:25:1 \[syntax\] typescript TS1005: ';' expected \(25\) \(and 2 more on lines 25-27 that follow from it; fix this one first\)$/m,
    );
    assert.doesNotMatch(text, /\(26\)/);
    assert.match(text, /TS2304/);
  });

  it("the demo's dropped brace: eight findings kept in the record, told as one problem", async () => {
    const ws = copyFixture(join(DEMO, 'workspace'));
    try {
      const io = captureIO();
      assert.equal(await main(demoRefactorArgs(ws.dir, '--dry-run'), io), 0, io.stderr);
      assert.match(io.stdout, /attempt 1 \(generate\): .*; 1 blocking problem \(8 findings\)/);
      assert.match(
        io.stdout,
        /syntax: 1 blocking in \d+ ms\n\s+src\/userService\.ts:25:3 syntax typescript TS1434: .* \(and 7 more on lines 25-30 that follow from it\)/,
      );
      const record = JSON.parse(readFileSync(join(ws.dir, '.refactor-guard', 'records', '00000001.json'), 'utf8')) as {
        attempts: { errorsOut: number; gates: { findings: unknown[] }[] }[];
      };
      assert.equal(record.attempts[0]!.errorsOut, 8, 'provenance keeps every finding');
      assert.equal(record.attempts[0]!.gates.flatMap((g) => g.findings).length, 8);
    } finally {
      ws.cleanup();
    }
  });
});
