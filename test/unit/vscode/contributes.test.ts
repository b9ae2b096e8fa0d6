import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { CONTRIBUTED_COMMANDS, TEST_ONLY_COMMANDS } from '../../../src/vscode/commands/commandIds';

/**
 * package.json's command contributions and the adapter's command list must agree: a command in a
 * menu that nobody declared shows nothing, a registered command that is not declared has no title
 * or category in the palette, and a declared command nobody registers answers "command not found".
 * The adapter registers only ids from src/vscode/commands/commandIds.ts (its CommandManager refuses
 * any other), so that list stands for the registrations. It is free of 'vscode', so this runs in Node.
 */
const root = path.join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command?: string; when?: string }[]>;
  };
};
const declared = new Map(pkg.contributes.commands.map((c) => [c.command, c]));
const listed = new Set(CONTRIBUTED_COMMANDS.map((c) => c.id));

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [{ file: path.relative(root, p), text: readFileSync(p, 'utf8') }] : [];
  });
}

describe('package.json commands match the VS Code adapter', () => {
  it('registers commands only through the CommandManager, which takes its ids from the list', () => {
    const elsewhere = sources(path.join(root, 'src', 'vscode'))
      .filter(({ file, text }) => file !== path.join('src', 'vscode', 'commands', 'commandManager.ts') && /\bregisterCommand\(/.test(text))
      .map(({ file }) => file);
    assert.deepEqual(elsewhere, []);
  });

  it('lists each command once, review and provenance commands included', () => {
    assert.equal(listed.size, CONTRIBUTED_COMMANDS.length);
    for (const id of ['refactorGuard.proposeRefactor', 'refactorGuard.approvePatch', 'refactorGuard.verifyProvenance']) {
      assert.ok(listed.has(id), id);
    }
  });

  it('declares every listed command, with a title and the Refactor Guard category', () => {
    for (const id of listed) {
      const c = declared.get(id);
      assert.ok(c, `${id} is registered but not declared in contributes.commands`);
      assert.ok(c.title, `${id} title`);
      assert.equal(c.category, 'Refactor Guard', `${id} category`);
    }
  });

  it('lists every declared command, so each is registered', () => {
    const unlisted = [...declared.keys()].filter((id) => !listed.has(id));
    assert.deepEqual(unlisted, [], 'declared in contributes.commands but missing from src/vscode/commands/commandIds.ts');
    assert.equal(pkg.contributes.commands.length, declared.size, 'a command is declared twice');
  });

  it('keeps the test-only commands out of package.json and apart from the contributed ones', () => {
    for (const { id } of TEST_ONLY_COMMANDS) {
      assert.match(id, /^refactorGuard\.test\./);
      assert.ok(!declared.has(id), `${id} is test-only but declared in contributes.commands`);
      assert.ok(!listed.has(id), `${id} is listed both as contributed and as test-only`);
    }
  });

  it('lets only the key and log commands run without a workspace folder', () => {
    const sessionless = CONTRIBUTED_COMMANDS.filter((c) => !c.needsSession).map((c) => c.id);
    assert.deepEqual(sessionless.sort(), ['refactorGuard.clearApiKey', 'refactorGuard.setApiKey', 'refactorGuard.showLogs']);
  });

  it('every menu entry names a declared command', () => {
    for (const [where, entries] of Object.entries(pkg.contributes.menus)) {
      for (const e of entries) if (e.command) assert.ok(declared.has(e.command), `${where} names ${e.command}, which is not declared`);
    }
  });

  it('hides the commands that need an argument from the palette', () => {
    const hidden = new Set(pkg.contributes.menus.commandPalette!.filter((e) => e.when === 'false').map((e) => e.command));
    for (const id of [
      'refactorGuard.approveHunk',
      'refactorGuard.rejectHunk',
      'refactorGuard.openPatchDiff',
      'refactorGuard.showFindings',
      'refactorGuard.showRiskFactors',
      'refactorGuard.rerun',
    ]) {
      assert.ok(hidden.has(id), `${id} should be hidden from the palette`);
    }
  });

  it('never activates on startup', () => {
    assert.ok(!pkg.activationEvents.includes('*') && !pkg.activationEvents.includes('onStartupFinished'));
  });
});
