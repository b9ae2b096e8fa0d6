import type { LanguageId } from '../../languages';
import { GO } from './go';
import { JAVA } from './java';
import { JAVASCRIPT } from './javascript';
import { PYTHON } from './python';
import { RUST } from './rust';
import type { TagQuery } from './types';
import { TSX, TYPESCRIPT } from './typescript';

export type { TagQuery } from './types';

/** Languages the symbol graph indexes; other files are left out of the graph (not noted as skipped). */
export const TAG_QUERIES: Partial<Record<LanguageId, TagQuery>> = {
  typescript: TYPESCRIPT,
  tsx: TSX,
  javascript: JAVASCRIPT,
  // The JavaScript grammar parses JSX itself (treeSitter.ts loads it for both).
  jsx: JAVASCRIPT,
  python: PYTHON,
  go: GO,
  rust: RUST,
  java: JAVA,
};
