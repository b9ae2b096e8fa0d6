import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classificationMarkdown } from '../../src/core/validate/classify';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const tableRows = (md: string) => md.split('\n').filter((l) => l.startsWith('|'));

describe('README', () => {
  it('carries the classification tables exactly as the code classifies', () => {
    const rows = tableRows(classificationMarkdown());
    assert.ok(rows.length > 10);
    for (const row of rows) assert.ok(readme.includes(row), `README lacks the classification row: ${row}`);
  });

  it('carries the risk factor table of src/core/risk/README.md', () => {
    const rows = tableRows(readFileSync(join(root, 'src/core/risk/README.md'), 'utf8'));
    assert.ok(rows.length > 5);
    for (const row of rows) assert.ok(readme.includes(row), `README lacks the risk row: ${row}`);
  });
});
