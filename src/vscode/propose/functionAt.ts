/**
 * Bridge to the engine's "which function holds this line" (src/core/context), which is being
 * written; until it lands this returns undefined and Propose Refactor targets the selection's lines.
 */
export async function functionAt(_languageId: string, _text: string, _line: number, _fileName: string): Promise<string | undefined> {
  return undefined;
}
