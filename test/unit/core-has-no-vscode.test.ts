import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const CORE = join(__dirname, '..', '..', 'src', 'core');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('src/core', () => {
  it('never imports vscode', () => {
    const files = sources(CORE);
    assert.ok(files.length > 5, 'the core should have sources');
    const offenders = files.filter((f) =>
      /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/.test(readFileSync(f, 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });
});
