import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

/**
 * package.json's command contributions and the adapter's registrations must agree: a command in
 * a menu that nobody declared shows nothing, and a registered command that is not declared has no
 * title or category in the palette. Reads the sources as text; never loads 'vscode'.
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

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'provenance' ? [] : sources(p);
    return e.name.endsWith('.ts') ? [readFileSync(p, 'utf8')] : [];
  });
}
const registered = new Set(
  sources(path.join(root, 'src', 'vscode')).flatMap((text) => [...text.matchAll(/reg\('(refactorGuard\.[A-Za-z]+)'/g)].map((m) => m[1]!)),
);

describe('package.json commands match the VS Code adapter', () => {
  it("finds the adapter's registrations", () => {
    assert.ok(registered.size >= 10, `found ${[...registered].join(', ')}`);
  });

  it('declares every command the adapter registers, with the Refactor Guard category', () => {
    for (const id of registered) {
      const c = declared.get(id);
      assert.ok(c, `${id} is registered but not declared in contributes.commands`);
      assert.equal(c.category, 'Refactor Guard', `${id} category`);
    }
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
