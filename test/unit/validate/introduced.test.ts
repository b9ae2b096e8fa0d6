import { strict as assert } from 'node:assert';
import type { Finding } from '../../../src/core/findings';
import { changedRegions, markIntroducedThroughEdit } from '../../../src/core/validate/introduced';

const raw = (line: number, message: string, excerpt: string): Omit<Finding, 'introduced'> => ({
  tool: 't',
  code: 'C1',
  category: 'other',
  severity: 'error',
  file: 'a.ts',
  line,
  column: 1,
  message,
  excerpt,
});

describe('validate/introduced', () => {
  it('maps changed lines of both sides to their changed region', () => {
    const r = changedRegions('a\nb\nc\nd\ne\n', 'a\nB\nc\nd\nE1\nE2\n');
    assert.deepEqual(
      [...r.before],
      [
        [2, 0],
        [5, 1],
      ],
    );
    assert.deepEqual(
      [...r.after],
      [
        [2, 0],
        [5, 1],
        [6, 1],
      ],
    );
  });

  it('matches moved findings by line text and rewritten lines within their region only', () => {
    const before = 'x\nbad one\nkeep\nbad two\n';
    const after = 'new line\nx\nbad one!\nkeep\nbad two\nbad three\n';
    const res = markIntroducedThroughEdit(
      [raw(2, 'm', 'bad one'), raw(4, 'm', 'bad two')],
      [raw(3, 'm', 'bad one!'), raw(5, 'm', 'bad two'), raw(6, 'm', 'bad three')],
      before,
      after,
    );
    // Line 3 rewrote line 2 (same region): pre-existing. Line 5 moved: pre-existing. Line 6 is new.
    assert.deepEqual(
      res.map((f) => f.introduced),
      [false, false, true],
    );
  });

  it('without the texts, or for a new file, matches exactly or marks introduced', () => {
    assert.deepEqual(
      markIntroducedThroughEdit([raw(1, 'm', 'a')], [raw(1, 'm', 'b')], undefined, 'b\n').map((f) => f.introduced),
      [true],
    );
    assert.deepEqual(
      markIntroducedThroughEdit([], [raw(1, 'm', 'b')], 'a\n', 'b\n').map((f) => f.introduced),
      [true],
    );
  });
});
