import { silentLogger } from '../../../src/core/ports';
import type { LanguageId } from '../../../src/core/languages';
import type { GateContext, GateResult } from '../../../src/core/validate/gate';
import { syntaxGate } from '../../../src/core/validate/syntax';
import { parseGateSettings } from '../../../src/core/validate/gateSettings';

const EXTENSION: Record<LanguageId, string> = {
  python: 'py',
  javascript: 'js',
  jsx: 'jsx',
  typescript: 'ts',
  tsx: 'tsx',
  go: 'go',
  rust: 'rs',
  java: 'java',
  csharp: 'cs',
  c: 'c',
  cpp: 'cpp',
  ruby: 'rb',
  php: 'php',
  json: 'json',
  css: 'css',
  bash: 'sh',
};

export function gateContext(signal?: AbortSignal): GateContext {
  return {
    files: {
      root: '/nowhere',
      read: async () => undefined,
      writeAtomic: async () => {},
      remove: async () => {},
      stat: async () => undefined,
    },
    logger: silentLogger,
    instruction: 'test',
    trusted: true,
    settings: parseGateSettings({ safeMode: false }),
    signal,
  };
}

/** The syntax gate on one file, named after its language unless a path is given. */
export function checkOne(file: {
  language: LanguageId;
  before: string | undefined;
  after: string | undefined;
  path?: string;
}): Promise<GateResult> {
  const path = file.path ?? `src/sample.${EXTENSION[file.language]}`;
  return syntaxGate.check([{ path, language: file.language, before: file.before, after: file.after }], gateContext());
}
