import assert from 'node:assert/strict';
import {
  clockTime,
  formatDuration,
  formatOffset,
  formatShare,
  formatTime,
  formatTokens,
  listBrief,
  shortSha,
} from '../../../src/vscode/provenance/format';

describe('provenance view: formatting', () => {
  it('formats durations from milliseconds to hours', () => {
    assert.deepEqual([0, 12.4, 999, 1000, 2400, 12_400, 60_000, 65_000, 3_600_000, 3_900_000, -1].map(formatDuration), [
      '0 ms',
      '12 ms',
      '999 ms',
      '1.0 s',
      '2.4 s',
      '12 s',
      '1 min',
      '1 min 5 s',
      '1 h',
      '1 h 5 min',
      '–',
    ]);
    assert.equal(formatOffset(65_000), '+1 min 5 s');
  });

  it('shortens token counts without losing the order of magnitude', () => {
    assert.deepEqual([0, 999, 1000, 1250, 12_345, 999_499, 1_250_000].map(formatTokens), ['0', '999', '1k', '1.3k', '12k', '999k', '1.3M']);
  });

  it('shortens hashes and names a missing file', () => {
    const sha = 'f'.repeat(64);
    assert.deepEqual(shortSha(sha, 'new file'), { short: 'ffffffff', full: sha });
    assert.deepEqual(shortSha(null, 'new file'), { short: 'new file', full: 'new file' });
  });

  it('states shares with their counts', () => {
    assert.equal(formatShare(7, 9), '7 of 9 (78%)');
    assert.equal(formatShare(0, 0), 'none yet');
  });

  it('formats times in the zone asked for', () => {
    assert.equal(formatTime('2026-11-21T10:38:39.123Z', 'UTC'), '2026-11-21 10:38:39');
    assert.equal(formatTime('2026-11-21T23:30:00Z', 'Asia/Tokyo'), '2026-11-22 08:30:00');
    assert.equal(formatTime('not a time', 'UTC'), 'not a time');
  });

  it('gives a run a short absolute time for the Runs tree label', () => {
    const now = new Date('2026-11-21T18:00:00Z');
    assert.equal(clockTime('2026-11-21T10:38:39Z', now, 'UTC'), '10:38');
    assert.equal(clockTime('2026-11-02T10:38:39Z', now, 'UTC'), '11-02 10:38');
    assert.equal(clockTime('2025-11-21T10:38:39Z', now, 'UTC'), '2025-11-21');
    assert.equal(clockTime('not a time', now, 'UTC'), 'not a time');
  });

  it('lists a few items and counts the rest', () => {
    assert.equal(listBrief(['a', 'b']), 'a, b');
    assert.equal(listBrief(['a', 'b', 'c', 'd']), 'a, b +2 more');
  });
});
