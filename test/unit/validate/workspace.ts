import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TempWorkspace } from '../../support/tempWorkspace';
import type { CandidateFile, GateContext } from '../../../src/core/validate/gate';
import { languageOf } from '../../../src/core/languages';
import { silentLogger } from '../../../src/core/ports';
import { parseGateSettings, type GateSettingsInput } from '../../../src/core/validate/gateSettings';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'workspaces');

/** A temporary copy of a fixture workspace (or an empty folder), with candidates and gate contexts. */
export class GateWorkspace extends TempWorkspace {
  constructor(fixture?: string) {
    super({ prefix: 'rg-validate-', ...(fixture ? { fixture: join(FIXTURES, fixture) } : {}) });
  }

  /** A candidate that changes `rel` from its text on disk to `after`. */
  candidate(rel: string, after: string | undefined, wholeFileWrite = false): CandidateFile {
    let before: string | undefined;
    try {
      before = this.read(rel);
    } catch {
      before = undefined;
    }
    return { path: rel, language: languageOf(rel), before, after, wholeFileWrite };
  }

  /** A candidate made by replacing one exact string in the file on disk. */
  patch(rel: string, oldString: string, newString: string): CandidateFile {
    const before = this.read(rel);
    if (!before.includes(oldString)) throw new Error(`fixture ${rel} lacks ${JSON.stringify(oldString)}`);
    return { path: rel, language: languageOf(rel), before, after: before.replace(oldString, newString) };
  }

  context(settings: GateSettingsInput = {}, extra: Partial<GateContext> = {}): GateContext {
    return {
      files: this.files,
      logger: silentLogger,
      instruction: 'Refactor the code',
      trusted: true,
      settings: parseGateSettings({ testTimeoutSeconds: 30, ...settings }),
      ...extra,
    };
  }
}

/**
 * Processes of the group `pgid` that are still running. Zombies (state Z) are dead and only wait
 * for init to reap them, so they do not count.
 */
export function runningInGroup(pgid: number): string[] {
  const ps = execFileSync('ps', ['-eo', 'pgid=,pid=,stat=,args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((cols) => cols[0] === String(pgid) && !cols[2]!.startsWith('Z'))
    .map((cols) => cols.slice(1).join(' '));
}
