import * as vscode from 'vscode';
import { guarded } from '../log';
import { CONTRIBUTED_COMMANDS, TEST_ONLY_COMMANDS } from './commandIds';

/** One command handler, as VS Code's markdown extension shapes them: its id and what it does. */
export interface Command {
  readonly id: string;
  execute(...args: unknown[]): unknown;
}

/** What a command that needs a workspace folder answers when the window has none. */
export const NO_FOLDER_MESSAGE = 'Open a folder first: Refactor Guard works on the files of a workspace folder.';

const contributedIds = new Set(CONTRIBUTED_COMMANDS.map((c) => c.id));
const testIds = new Set(TEST_ONLY_COMMANDS.map((c) => c.id));

/**
 * The one way a command is registered: only ids listed in commandIds.ts (so the list the unit test
 * checks against package.json is the list that runs), each behind the same error reporter
 * (`guarded`: one line to the user, the detail in the log), test-only ones outside production
 * mode only. It owns the registrations; disposing it unregisters them all.
 */
export class CommandManager implements vscode.Disposable {
  private readonly registered = new Map<string, vscode.Disposable>();

  constructor(private readonly withTestCommands: boolean) {}

  register(command: Command): void {
    const testOnly = testIds.has(command.id);
    if (!testOnly && !contributedIds.has(command.id)) throw new Error(`${command.id} is not listed in src/vscode/commands/commandIds.ts.`);
    if (testOnly && !this.withTestCommands) return;
    if (this.registered.has(command.id)) throw new Error(`${command.id} is registered twice.`);
    const handler = guarded(command.id.replace(/^refactorGuard\./, ''), (...args: unknown[]) => command.execute(...args));
    this.registered.set(command.id, vscode.commands.registerCommand(command.id, handler));
  }

  /**
   * For a window without a workspace folder, after the folder-free commands are registered: the
   * palette still lists the others, so each answers with the one line that says why rather than
   * "command not found".
   */
  registerNoFolderFallbacks(): void {
    for (const { id, needsSession } of CONTRIBUTED_COMMANDS) {
      if (!needsSession || this.registered.has(id)) continue;
      this.register({
        id,
        execute: () => {
          throw new Error(NO_FOLDER_MESSAGE);
        },
      });
    }
  }

  dispose(): void {
    for (const d of this.registered.values()) d.dispose();
    this.registered.clear();
  }
}
