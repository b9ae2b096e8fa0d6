import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { terminalLine, terminalText } from '../../../src/cli/terminalText';
import { captureIO } from '../../support/captureIO';
import { runSourceCli } from '../../support/sourceCli';
import { copyFixture } from '../../support/tempWorkspace';

/**
 * What the CLI prints on stderr as an error or a warning: one line in the form
 * `refactor-guard: ...`, with no control character a file someone else wrote could smuggle in.
 */

const DEMO = join(__dirname, '..', '..', 'fixtures', 'demo');
/** C0 (but tab), DEL, C1 and the bidi controls: none may reach the terminal raw. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function errorLine(stderr: string): string {
  assert.ok(stderr.endsWith('\n'), 'ends with a newline');
  const line = stderr.slice(0, -1);
  assert.doesNotMatch(line, CONTROL, `no raw control character in ${JSON.stringify(stderr)}`);
  return line;
}

describe('refactor-guard error lines', function () {
  this.timeout(60_000);

  describe('usage errors', () => {
    for (const [args, expected] of [
      [
        ['refactor', 'x'],
        /^refactor-guard: required option '-t, --target <file>' not specified \(run refactor-guard refactor --help for usage\)$/,
      ],
      [['validate'], /^refactor-guard: missing required argument 'files' \(run refactor-guard validate --help for usage\)$/],
      [['list-runs', '--bogus'], /^refactor-guard: unknown option '--bogus' \(run refactor-guard list-runs --help for usage\)$/],
      [
        ['refactor', 'x', '-t', 'a.ts', '--config', 'turbo'],
        /^refactor-guard: option '--config <preset>' argument 'turbo' is invalid\. Allowed choices are fast, balanced, quality\. \(run refactor-guard refactor --help for usage\)$/,
      ],
      [['lst-runs'], /^refactor-guard: unknown command 'lst-runs' \(Did you mean list-runs\?\) \(run refactor-guard --help for usage\)$/],
    ] as const) {
      it(`${args.join(' ')}: exit 2, exactly one line naming --help`, async () => {
        const io = captureIO();
        assert.equal(await main([...args], io), 2);
        assert.match(errorLine(io.stderr), expected);
        assert.equal(io.stdout, '');
      });
    }

    it('help and version still print in full, exit 0', async () => {
      const help = captureIO();
      assert.equal(await main(['refactor', '--help'], help), 0);
      assert.match(help.stdout, /^Usage: refactor-guard refactor/);
      const version = captureIO();
      assert.equal(await main(['--version'], version), 0);
      assert.match(version.stdout, /^\d+\.\d+\.\d+/);
    });
  });

  describe('control characters from a config file', () => {
    let ws: { dir: string; cleanup: () => void };
    beforeEach(() => {
      ws = copyFixture(join(DEMO, 'workspace'));
      mkdirSync(join(ws.dir, '.refactor-guard'), { recursive: true });
    });
    afterEach(() => ws.cleanup());
    const config = (text: string) => writeFileSync(join(ws.dir, '.refactor-guard', 'config.json'), text);
    const validate = async () => {
      const io = captureIO({ env: { REFACTOR_GUARD_CONFIG: join(ws.dir, 'no-user-config.json') } });
      const code = await main(['validate', 'src/userService.ts', '--workspace', ws.dir], io);
      return { code, line: errorLine(io.stderr) };
    };

    it('an ESC sequence the JSON parser quotes is shown escaped', async () => {
      config('{"preset": \u001b[31mred\u001b[0m}');
      const { code, line } = await validate();
      assert.equal(code, 2);
      assert.match(line, /^refactor-guard: .*config\.json is not valid settings: .*\\x1b\[31m/);
    });

    it('a file name with BEL, CR, a newline and a bidi override is shown escaped, on one line', async () => {
      const io = captureIO();
      assert.equal(await main(['validate', 'src/x\u0007\r\n\u202e.ts', '--workspace', ws.dir], io), 2);
      assert.match(errorLine(io.stderr), /^refactor-guard: src\/x\\x07\\x0d\\x0a\\u202e\.ts does not exist in /);
    });

    it('a warning (an ignored workspace setting, from a folder whose name holds ESC) is escaped too', async () => {
      const io = captureIO({ env: { REFACTOR_GUARD_CONFIG: join(ws.dir, 'no-user-config.json') } });
      const odd = join(ws.dir, 'odd\u001b]0;pwned\u0007');
      mkdirSync(join(odd, '.refactor-guard'), { recursive: true });
      mkdirSync(join(odd, 'src'));
      writeFileSync(join(odd, 'src', 'a.ts'), 'export const a = 1;\n');
      writeFileSync(join(odd, '.refactor-guard', 'config.json'), JSON.stringify({ testCommand: 'make test' }));
      assert.equal(await main(['validate', 'src/a.ts', '--workspace', odd], io), 0, io.stderr);
      const line = errorLine(io.stderr);
      assert.match(line, /^refactor-guard: ignored testCommand from .*odd\\x1b\]0;pwned\\x07/);
    });

    it('holds for the real process too (its stderr)', async () => {
      config('{"preset": \u009b31m}');
      const r = await runSourceCli(['validate', 'src/userService.ts', '--workspace', ws.dir], {
        env: { REFACTOR_GUARD_CONFIG: join(ws.dir, 'none.json') },
      });
      assert.equal(r.code, 2);
      assert.match(errorLine(r.stderr), /^refactor-guard: .*not valid settings: Unexpected token '\\x9b'/);
    });
  });

  it('terminalLine escapes every control character, newlines too; terminalText keeps newlines and tabs', () => {
    assert.equal(terminalLine('a\u001b[2Jb\tc\r\nd\u007f\u0085\u202e\u2066é✓'), 'a\\x1b[2Jb\tc\\x0d\\x0ad\\x7f\\x85\\u202e\\u2066é✓');
    assert.equal(terminalText('Usage: x\n  -h\thelp\u001b'), 'Usage: x\n  -h\thelp\\x1b');
  });
});
