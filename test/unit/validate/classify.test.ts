import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classificationMarkdown, classify } from '../../../src/core/validate/classify';

describe('validate/classify', () => {
  it('maps tsc codes, with and without the TS prefix, and ranges', () => {
    assert.equal(classify('typescript', 'TS2304'), 'undefined_name');
    assert.equal(classify('typescript', '2552'), 'undefined_name');
    assert.equal(classify('typescript', 'TS2307'), 'missing_import');
    assert.equal(classify('typescript', 'TS2724'), 'missing_import');
    assert.equal(classify('typescript', 'TS2345'), 'type_mismatch');
    assert.equal(classify('typescript', 'TS1005'), 'syntax');
    assert.equal(classify('typescript', 'TS1192'), 'missing_import', 'a named code wins over its range');
    assert.equal(classify('typescript', 'TS9999'), 'other');
    assert.equal(classify('typescript', 'nonsense'), 'other');
  });

  it('maps ruff codes, parse errors and prefixes', () => {
    assert.equal(classify('ruff', 'F821'), 'undefined_name');
    assert.equal(classify('ruff', 'F401'), 'other');
    assert.equal(classify('ruff', 'invalid-syntax'), 'syntax');
    assert.equal(classify('ruff', 'E999'), 'syntax');
    assert.equal(classify('ruff', 'B006'), 'other');
  });

  it('maps pyright rules, telling an unknown import symbol from an attribute error', () => {
    assert.equal(classify('pyright', 'reportUndefinedVariable'), 'undefined_name');
    assert.equal(classify('pyright', 'reportMissingImports'), 'missing_import');
    assert.equal(classify('pyright', 'reportAttributeAccessIssue', '"frob" is unknown import symbol'), 'missing_import');
    assert.equal(classify('pyright', 'reportAttributeAccessIssue', 'Cannot access attribute "x" for class "A"'), 'type_mismatch');
    assert.equal(classify('pyright', 'reportCallIssue'), 'type_mismatch');
    assert.equal(classify('pyright', ''), 'syntax');
    assert.equal(classify('pyright', 'reportSomethingNew'), 'other');
  });

  it('CLASSIFICATION.md holds the tables as the code has them', () => {
    const file = readFileSync(join(__dirname, '..', '..', '..', 'src', 'core', 'validate', 'CLASSIFICATION.md'), 'utf8');
    assert.equal(file, classificationMarkdown(), 'regenerate CLASSIFICATION.md from classificationMarkdown()');
  });
});
