import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeWorkspaceFiles } from '../../src/core/host/nodeWorkspaceFiles';
import { runRefactor } from '../../src/core/loop/runRefactor';
import { ReplayProvider, type Transcript } from '../../src/core/models/replay';
import { ProvenanceStore } from '../../src/core/provenance/store';
import { workspaceWriter } from '../../src/core/review';
import { readSettings } from '../../src/core/settings';
import { copyFixture } from './tempWorkspace';
import { TEST_KEY } from './testKey';

/** The demo's fixture: a sample workspace and the replay transcript of its run. */
export const DEMO = join(__dirname, '..', 'fixtures', 'demo');
export const DEMO_TRANSCRIPT = join(DEMO, 'transcript.json');

/** The CLI arguments of the demo's refactor on `workspace`, replayed (no API key), with `extra` flags. */
export function demoRefactorArgs(workspace: string, ...extra: string[]): string[] {
  return [
    'refactor',
    'Add caching to the user service',
    '-t',
    'src/userService.ts',
    '--provider',
    'replay',
    '--transcript',
    DEMO_TRANSCRIPT,
    '--workspace',
    workspace,
    ...extra,
  ];
}

/**
 * The demo's run, replayed in-process on a copy of its workspace: a pending proposal for
 * src/userService.ts, with what a review decision needs (`ctx`, deciding as `actor`).
 */
export async function demoProposal(opts: { actor?: string; prepare?: (dir: string) => void } = {}) {
  const ws = copyFixture(join(DEMO, 'workspace'));
  opts.prepare?.(ws.dir);
  const store = await ProvenanceStore.open(join(ws.dir, '.refactor-guard'), { key: TEST_KEY });
  const files = new NodeWorkspaceFiles(ws.dir);
  const settings = readSettings({ provider: 'replay' });
  const run = await runRefactor({
    instruction: 'Add caching to the user service',
    targets: [{ path: 'src/userService.ts' }],
    settings,
    preset: 'balanced',
    provider: new ReplayProvider(JSON.parse(readFileSync(DEMO_TRANSCRIPT, 'utf8')) as Transcript),
    files,
    store,
    trusted: true,
  });
  assert.equal(run.status, 'proposed');
  const target = join(ws.dir, 'src', 'userService.ts');
  return { ws, store, files, settings, run, target, ctx: { store, files, writer: workspaceWriter(files), actor: opts.actor ?? 'test' } };
}

/** A proposed run on the demo's workspace (in `dir`) with two patches: src/app.ts (p1) and src/userService.ts (p2). */
export async function demoTwoPatchRun(dir: string, opened?: ProvenanceStore) {
  const store = opened ?? (await ProvenanceStore.open(join(dir, '.refactor-guard'), { key: TEST_KEY }));
  const files = new NodeWorkspaceFiles(dir);
  const run = await runRefactor({
    instruction: 'Say hi',
    targets: [{ path: 'src/app.ts' }, { path: 'src/userService.ts' }],
    settings: readSettings({ provider: 'replay' }),
    preset: 'balanced',
    provider: new ReplayProvider({
      replies: [
        {
          phase: 'generate',
          toolCalls: [
            { name: 'patch_file', input: { path: 'src/app.ts', old_string: 'Hello, ', new_string: 'Hi, ' } },
            {
              name: 'patch_file',
              input: {
                path: 'src/userService.ts',
                old_string: '    return this.repo.findById(id);',
                new_string: '    const user = await this.repo.findById(id);\n    return user;',
              },
            },
          ],
        },
      ],
    } as Transcript),
    files,
    store,
    trusted: true,
  });
  return { store, files, run };
}
