import { join } from 'node:path';

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
