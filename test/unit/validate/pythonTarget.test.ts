import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeWorkspaceFiles } from '../../../src/core/host/nodeWorkspaceFiles';
import { silentLogger } from '../../../src/core/ports';
import { fromRequiresPython, pythonTargetVersion } from '../../../src/core/validate/pythonTarget';
import { syntaxGate } from '../../../src/core/validate/syntax';
import type { CandidateFile, GateContext } from '../../../src/core/validate/gate';
import { tempDir } from '../../support/tempWorkspace';
import { parseGateSettings, type GateSettingsInput } from '../../../src/core/validate/gateSettings';

const BEFORE = 'def kind(x):\n    return "one" if x == 1 else "other"\n';
const AFTER = 'def kind(x):\n    match x:\n        case 1:\n            return "one"\n    return "other"\n';
const candidate: CandidateFile = { path: 'pkg/kind.py', language: 'python', before: BEFORE, after: AFTER };

function ctx(root: string, settings: GateSettingsInput = {}): GateContext {
  return {
    files: new NodeWorkspaceFiles(root),
    logger: silentLogger,
    instruction: 'Use match',
    trusted: true,
    settings: parseGateSettings(settings),
  };
}

describe('Python target version', () => {
  it('reads the lowest version requires-python admits', () => {
    assert.equal(fromRequiresPython('[project]\nrequires-python = ">=3.9"\n'), 'py39');
    assert.equal(fromRequiresPython("requires-python = '~=3.10'"), 'py310');
    assert.equal(fromRequiresPython('requires-python = ">=3.8,<4"'), 'py38');
    assert.equal(fromRequiresPython('requires-python = "==3.11.*"'), 'py311');
    assert.equal(fromRequiresPython('requires-python = ">3.11"'), 'py312');
    assert.equal(fromRequiresPython('[project]\nname = "x"\n'), undefined);
  });

  it('blocks syntax newer than the project supports, and only then', async () => {
    const ws = tempDir();
    try {
      const latest = await syntaxGate.check([candidate], ctx(ws.dir));
      assert.equal(latest.findings.length, 0, 'match is valid on the newest Python');

      writeFileSync(join(ws.dir, 'pyproject.toml'), '[project]\nname = "pkg"\nrequires-python = ">=3.9"\n');
      assert.equal(await pythonTargetVersion(ctx(ws.dir)), 'py39');
      const old = await syntaxGate.check([candidate], ctx(ws.dir));
      assert.ok(
        old.findings.some((f) => f.introduced && f.category === 'syntax' && /match/.test(f.message) && f.line === 2),
        JSON.stringify(old.findings),
      );

      const overridden = await syntaxGate.check([candidate], ctx(ws.dir, { pythonVersion: '3.12' }));
      assert.equal(overridden.findings.length, 0, 'the setting wins over pyproject.toml');
    } finally {
      ws.cleanup();
    }
  });
});
