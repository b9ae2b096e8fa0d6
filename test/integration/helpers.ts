import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RefactorGuardApi } from '../../src/vscode/extension';
import type { ReviewNode } from '../../src/vscode/review/approvalTree';
import type { RunRecord } from '../../src/core/provenance/schema';

export const EXTENSION_ID = 'refactor-guard.refactor-guard';

export async function api(): Promise<RefactorGuardApi> {
  const ext = vscode.extensions.getExtension<RefactorGuardApi>(EXTENSION_ID);
  if (!ext) throw new Error(`Extension ${EXTENSION_ID} is not loaded.`);
  return ext.isActive ? ext.exports : ext.activate();
}

export function root(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('The integration tests need the fixture workspace open.');
  return folder.uri.fsPath;
}

export function uriOf(rel: string): vscode.Uri {
  return vscode.Uri.file(path.join(root(), rel));
}

export async function readBytes(rel: string): Promise<Buffer> {
  return fs.readFile(path.join(root(), rel));
}

export function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The fixture transcripts live beside the fixture workspace in the repository. */
export async function useTranscript(name: string): Promise<void> {
  const current = vscode.workspace.getConfiguration('refactorGuard').get<string>('replay.transcript') ?? '';
  const file = path.join(path.dirname(current), name);
  await vscode.workspace.getConfiguration('refactorGuard').update('replay.transcript', file, vscode.ConfigurationTarget.Workspace);
}

export async function propose(instruction: string, file: string, transcript: string): Promise<RunRecord> {
  await useTranscript(transcript);
  const record = await vscode.commands.executeCommand<RunRecord>('refactorGuard.proposeRefactor', {
    instruction,
    targets: [{ path: file }],
    preset: 'fast',
  });
  if (!record) throw new Error('Propose Refactor returned no run.');
  return record;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Tree nodes as the Runs view shows them, with their rendered items. */
export async function treeChildren(node?: ReviewNode): Promise<{ node: ReviewNode; item: vscode.TreeItem }[]> {
  const { tree } = await api();
  const nodes = await tree.getChildren(node);
  return Promise.all(nodes.map(async (n) => ({ node: n, item: await tree.getTreeItem(n) })));
}

export async function restoreFixture(rel: string, bytes: Uint8Array): Promise<void> {
  // Through the editor when open, so no dirty copy lingers with other text.
  await fs.writeFile(path.join(root(), rel), bytes);
  await waitFor(`${rel} to reload`, () => {
    const d = vscode.workspace.textDocuments.find((x) => x.uri.fsPath === path.join(root(), rel));
    return !d || (!d.isDirty && d.getText() === new TextDecoder().decode(bytes).replace(/^\uFEFF/, '')) ? true : undefined;
  });
}

/**
 * Asks the harness for a screenshot of the whole workbench and waits for it. The harness watches
 * `<workspace>/../screenshots`; under test-electron nobody answers, so this gives up quietly.
 */
export async function screenshot(name: string): Promise<void> {
  const dir = path.join(path.dirname(root()), 'screenshots');
  if (!existsSync(dir)) return;
  writeFileSync(path.join(dir, `${name}.request`), '');
  await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  await new Promise((r) => setTimeout(r, 800));
  await waitFor(`screenshot ${name}`, () => (existsSync(path.join(dir, `${name}.done`)) ? true : undefined), 15_000).catch(() => undefined);
}

/** Reverts every unsaved file (a test's own edits), then closes all editors without a save prompt. */
export async function closeAllEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file')) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert', doc.uri);
    const reverted = await waitFor(`${doc.uri.fsPath} to revert`, () => (!doc.isDirty ? true : undefined), 3000).catch(() => false);
    if (!reverted) {
      // The revert went to another editor: put the disk text back by hand and save it.
      const disk = new TextDecoder().decode(await fs.readFile(doc.uri.fsPath)).replace(/^\uFEFF/, '');
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), disk);
      await vscode.workspace.applyEdit(edit);
      await doc.save();
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * Sets a `refactorGuard.*` workspace setting and returns what puts the previous workspace value
 * back (the harness's .vscode/settings.json holds some: the provider, the transcript, the preset).
 */
export async function setWorkspaceSetting(key: string, value: unknown): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('refactorGuard');
  const previous = config.inspect(key)?.workspaceValue;
  await config.update(key, value, vscode.ConfigurationTarget.Workspace);
  return () =>
    Promise.resolve(vscode.workspace.getConfiguration('refactorGuard').update(key, previous, vscode.ConfigurationTarget.Workspace));
}

/**
 * Asks the harness to click a button the extension API cannot reach (a notification's Cancel).
 * Resolves false when no harness answers (under test-electron), so the caller can skip.
 */
export async function clickButton(name: string, within: string, button: string): Promise<boolean> {
  const dir = path.join(path.dirname(root()), 'screenshots');
  if (!existsSync(dir)) return false;
  writeFileSync(path.join(dir, `${name}.click`), JSON.stringify({ within, button }));
  const done = path.join(dir, `${name}.done`);
  const answered = await waitFor(`click ${name}`, () => (existsSync(done) ? true : undefined), 15_000).catch(() => false);
  return answered === true && readFileSync(done, 'utf8') === 'ok';
}

/**
 * For a suite that changes fixture files: each file's bytes as the suite found them, put back with
 * every editor closed after each test. Returns those bytes (read once the suite has begun).
 */
export function keepFixture(rel: string): () => Buffer {
  let original: Buffer | undefined;
  suiteSetup(async () => {
    await api();
    original = await readBytes(rel);
  });
  teardown(async () => {
    await closeAllEditors();
    await restoreFixture(rel, original!);
  });
  return () => original!;
}

/** Asks the harness to type into the open input box and press Enter; false when no harness answers. */
export async function typeIntoInput(name: string, text: string): Promise<boolean> {
  const dir = path.join(path.dirname(root()), 'screenshots');
  if (!existsSync(dir)) return false;
  writeFileSync(path.join(dir, `${name}.type`), text);
  const done = path.join(dir, `${name}.done`);
  const answered = await waitFor(`typing ${name}`, () => (existsSync(done) ? true : undefined), 15_000).catch(() => false);
  return answered === true && readFileSync(done, 'utf8') === 'ok';
}

/**
 * Asks the harness whether a webview's page shows `selector` (holding `text`, styled as `style`,
 * when given): what the extension API cannot see, such as the Provenance page actually drawn from
 * the files the extension ships. Resolves undefined when no harness answers (under test-electron),
 * so the caller can skip.
 */
export async function probeWebview(
  name: string,
  selector: string,
  text?: string,
  /** Computed style properties the element must have (a value contained in the property's). */
  style?: Record<string, string>,
): Promise<boolean | undefined> {
  const dir = path.join(path.dirname(root()), 'screenshots');
  if (!existsSync(dir)) return undefined;
  writeFileSync(path.join(dir, `${name}.probe`), JSON.stringify({ selector, text, style }));
  const done = path.join(dir, `${name}.done`);
  const answered = await waitFor(`probe ${name}`, () => (existsSync(done) ? true : undefined), 30_000).catch(() => false);
  if (answered !== true) return undefined;
  return readFileSync(done, 'utf8') === 'ok';
}

/** Asks the harness to click an element in a webview's page; false when no harness answers. */
export async function clickInWebview(name: string, selector: string, text?: string): Promise<boolean> {
  const dir = path.join(path.dirname(root()), 'screenshots');
  if (!existsSync(dir)) return false;
  writeFileSync(path.join(dir, `${name}.frameclick`), JSON.stringify({ selector, text }));
  const done = path.join(dir, `${name}.done`);
  const answered = await waitFor(`click ${name}`, () => (existsSync(done) ? true : undefined), 30_000).catch(() => false);
  return answered === true && readFileSync(done, 'utf8') === 'ok';
}
