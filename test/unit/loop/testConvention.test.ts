import { strict as assert } from 'node:assert';
import { testConventionFor } from '../../../src/core/loop/testConvention';
import { detectTestCommand } from '../../../src/core/loop/testCommand';
import { testCount } from '../../../src/core/validate/newTestFiles';
import { TempWorkspace } from '../../support/tempWorkspace';

/** Where a generated module's test goes: where the project's own tests are, named as they are. */
describe('generate: the project test convention', () => {
  let ws: TempWorkspace;
  afterEach(() => ws.dispose());

  function workspace(files: string[]): TempWorkspace {
    ws = new TempWorkspace();
    for (const f of files) ws.write(f, '\n');
    return ws;
  }

  const cases: [string, string[], string, string, string[], string[]][] = [
    // name, files, module, suggested, paths that match, paths that do not
    [
      'node tests under test/',
      ['src/a.js', 'test/a.test.js', 'test/b.test.js'],
      'src/c.js',
      'test/c.test.js',
      ['test/x.test.js', 'test/unit/x.test.js'],
      ['src/c.test.js', 'test/c.js', 'test/c.spec.js'],
    ],
    [
      'pytest under tests/',
      ['pkg/a.py', 'tests/test_a.py'],
      'pkg/c.py',
      'tests/test_c.py',
      ['tests/test_x.py'],
      ['tests/c_test.py', 'pkg/test_c.py'],
    ],
    [
      'specs beside the code',
      ['src/a.ts', 'src/a.spec.ts', 'src/b/b.spec.ts'],
      'src/c.ts',
      'src/c.spec.ts',
      ['src/x.spec.ts'],
      ['src/b/x.spec.ts', 'test/c.spec.ts'],
    ],
    [
      'jest __tests__ folders',
      ['src/a.ts', 'src/__tests__/a.test.ts'],
      'src/c.ts',
      'src/__tests__/c.test.ts',
      ['src/__tests__/x.test.ts'],
      ['src/x.test.ts'],
    ],
    ['go beside the code', ['cmd/a.go', 'cmd/a_test.go'], 'cmd/c.go', 'cmd/c_test.go', ['cmd/x_test.go'], ['test/c_test.go']],
    ['a project with no tests yet (JavaScript)', ['src/a.js'], 'src/c.js', 'test/c.test.js', ['test/c.test.js'], ['src/c.test.js']],
    ['a project with no tests yet (Python)', ['a.py'], 'c.py', 'tests/test_c.py', ['tests/test_c.py'], ['test_c.py']],
  ];
  for (const [name, files, module, suggested, yes, no] of cases) {
    it(name, async () => {
      const c = await testConventionFor(workspace(files).files, module);
      assert.equal(c.suggested, suggested);
      for (const p of yes) assert.ok(c.matches(p), `${p} should match ${c.describe}`);
      for (const p of no) assert.ok(!c.matches(p), `${p} should not match ${c.describe}`);
    });
  }

  it('follows the habit most of the tests have, and shows one of them as an example', async () => {
    const c = await testConventionFor(workspace(['test/a.test.js', 'test/b.test.js', 'src/c.spec.js']).files, 'src/d.js');
    assert.equal(c.describe, 'a new file under test/ named like *.test.js');
    assert.equal(c.example, 'test/a.test.js');
  });

  it('finds the test command the project declares, and no other', async () => {
    const w = workspace([]);
    assert.equal(await detectTestCommand(w.files), undefined);
    w.write('package.json', JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }));
    assert.equal(await detectTestCommand(w.files), undefined);
    w.write('package.json', '{ not json');
    assert.equal(await detectTestCommand(w.files), undefined);
    w.write('pyproject.toml', '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n');
    assert.equal(await detectTestCommand(w.files), 'python3 -m pytest -q');
    w.write('package.json', JSON.stringify({ scripts: { test: 'node --test' } }));
    assert.equal(await detectTestCommand(w.files), 'npm test');
  });

  it('reads the test count of each runner it knows', () => {
    assert.equal(testCount('1..3\n# tests 3\n# pass 2\n'), 3);
    assert.equal(testCount('ℹ tests 4\nℹ pass 4\n'), 4);
    assert.equal(testCount('....\nRan 4 tests in 0.001s\n\nOK\n'), 4);
    assert.equal(testCount('Tests:       1 failed, 2 passed, 3 total\n'), 3);
    assert.equal(testCount('  2 passing (5ms)\n  1 failing\n'), 3);
    assert.equal(testCount('==== 2 passed, 1 failed in 0.12s ====\n'), 3);
    assert.equal(testCount('3 passed in 0.05s\n'), 3);
    assert.equal(testCount('==== no tests ran in 0.01s ====\n'), 0);
    assert.equal(testCount('all good\n'), undefined);
  });
});
